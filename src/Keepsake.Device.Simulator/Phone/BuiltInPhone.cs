using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Keepsake.Device.Simulator.Phone;

/// <summary>
/// Generates a small but realistic phone folder: an sms.db with a few conversations, an
/// AddressBook.sqlitedb, a few PNG photos in the camera roll, CallHistory.storedata and
/// NoteStore.sqlite, each in the subset of Apple's schema that exporters read.
/// </summary>
public static class BuiltInPhone
{
    private static readonly DateTimeOffset AppleEpoch = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Start = new(2024, 5, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Writes the built-in phone into <paramref name="folder"/> (created if needed).</summary>
    public static void Generate(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        Sqlite(folder, "HomeDomain", "Library/SMS/sms.db", Messages);
        Sqlite(folder, "HomeDomain", "Library/AddressBook/AddressBook.sqlitedb", Contacts);
        Sqlite(folder, "HomeDomain", "Library/CallHistoryDB/CallHistory.storedata", Calls);
        Sqlite(folder, "AppDomainGroup-group.com.apple.notes", "NoteStore.sqlite", Notes);
        for (var i = 1; i <= 3; i++)
        {
            Write(folder, "CameraRollDomain", $"Media/DCIM/100APPLE/IMG_000{i}.PNG", Png(64, 48, i));
        }

        Write(folder, "HomeDomain", "Library/Preferences/com.apple.Preferences.plist", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict><key>KeyboardAutocorrection</key><true/></dict></plist>\n"u8.ToArray());
    }

    /// <summary>Writes one phone file at <c>folder/domain/relativePath</c>.</summary>
    public static void Write(string folder, string domain, string relativePath, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var path = Path.Combine(folder, domain, relativePath.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    private static void Sqlite(string folder, string domain, string relativePath, Action<SqliteConnection> fill)
    {
        var path = Path.Combine(folder, domain, relativePath.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var transaction = connection.BeginTransaction();
            fill(connection);
            transaction.Commit();
        }
    }

    private static void Exec(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }

    private static long AppleNanoseconds(DateTimeOffset time) => (time - AppleEpoch).Ticks * 100;

    private static double AppleSeconds(DateTimeOffset time) => (time - AppleEpoch).TotalSeconds;

    private static void Messages(SqliteConnection db)
    {
        Exec(db, """
            CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT);
            CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, state INTEGER, account_id TEXT, chat_identifier TEXT, service_name TEXT, room_name TEXT, display_name TEXT, group_id TEXT);
            CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, handle_id INTEGER DEFAULT 0, service TEXT, date INTEGER, date_read INTEGER, date_delivered INTEGER, is_from_me INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT, associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0, thread_originator_guid TEXT, attributedBody BLOB);
            CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
            CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
            CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER DEFAULT 0, filename TEXT, mime_type TEXT, transfer_name TEXT, total_bytes INTEGER DEFAULT 0);
            CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id));
            """);
        string[] people = ["+15550100001", "+15550100002", "alice@example.com"];
        for (var h = 0; h < people.Length; h++)
        {
            Exec(db, "INSERT INTO handle (ROWID, id, country, service) VALUES ($r, $id, 'us', $s)", ("$r", h + 1), ("$id", people[h]), ("$s", h == 1 ? "SMS" : "iMessage"));
            Exec(db, "INSERT INTO chat (ROWID, guid, style, state, chat_identifier, service_name) VALUES ($r, $g, 45, 3, $id, $s)", ("$r", h + 1), ("$g", $"iMessage;-;{people[h]}"), ("$id", people[h]), ("$s", h == 1 ? "SMS" : "iMessage"));
            Exec(db, "INSERT INTO chat_handle_join VALUES ($r, $r)", ("$r", h + 1));
        }

        string[][] lines =
        [
            ["Hi! Are we still on for lunch?", "Yes, 12:30 at the usual place", "Great, see you there 🙂"],
            ["Your parcel arrives tomorrow", "Thanks!"],
            ["Did you see the photos?", "Not yet, sending them now", "They look amazing", "Thank you!"],
        ];
        var row = 1;
        for (var chat = 0; chat < lines.Length; chat++)
        {
            for (var i = 0; i < lines[chat].Length; i++)
            {
                var date = AppleNanoseconds(Start.AddDays(chat).AddMinutes(i * 7));
                Exec(db, "INSERT INTO message (ROWID, guid, text, handle_id, service, date, date_read, date_delivered, is_from_me, is_read) VALUES ($r, $g, $t, $h, $s, $d, $d, $d, $me, 1)",
                    ("$r", row), ("$g", $"00000000-0000-0000-0000-{row:D12}"), ("$t", lines[chat][i]), ("$h", chat + 1), ("$s", chat == 1 ? "SMS" : "iMessage"), ("$d", date), ("$me", i % 2));
                Exec(db, "INSERT INTO chat_message_join VALUES ($c, $m, $d)", ("$c", chat + 1), ("$m", row), ("$d", date));
                row++;
            }
        }
    }

    private static void Contacts(SqliteConnection db)
    {
        Exec(db, """
            CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT, Last TEXT, Middle TEXT, Organization TEXT, Note TEXT, Birthday TEXT, CreationDate INTEGER, ModificationDate INTEGER, DisplayName TEXT);
            CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER, identifier INTEGER, label INTEGER, value TEXT);
            CREATE TABLE ABMultiValueLabel (value TEXT, UNIQUE(value));
            INSERT INTO ABMultiValueLabel (rowid, value) VALUES (1, '_$!<Mobile>!$_'), (2, '_$!<Home>!$_'), (3, '_$!<Work>!$_');
            """);
        (string First, string Last, string? Org, string Phone, string? Email)[] people =
        [
            ("Alice", "Martin", null, "+1 555 010 0003", "alice@example.com"),
            ("Bob", "Nguyen", "Example Corp", "+1 555 010 0001", null),
            ("Chloé", "Durand", null, "+1 555 010 0002", "chloe@example.org"),
        ];
        var uid = 1;
        for (var i = 0; i < people.Length; i++)
        {
            var p = people[i];
            var created = (long)AppleSeconds(Start.AddDays(-100 + i));
            Exec(db, "INSERT INTO ABPerson (ROWID, First, Last, Organization, CreationDate, ModificationDate) VALUES ($r, $f, $l, $o, $c, $c)", ("$r", i + 1), ("$f", p.First), ("$l", p.Last), ("$o", p.Org), ("$c", created));
            Exec(db, "INSERT INTO ABMultiValue VALUES ($u, $r, 3, 0, 1, $v)", ("$u", uid++), ("$r", i + 1), ("$v", p.Phone));
            if (p.Email is not null)
            {
                Exec(db, "INSERT INTO ABMultiValue VALUES ($u, $r, 4, 0, 2, $v)", ("$u", uid++), ("$r", i + 1), ("$v", p.Email));
            }
        }
    }

    private static void Calls(SqliteConnection db)
    {
        Exec(db, """
            CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER, ZCALLTYPE INTEGER, ZORIGINATED INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZADDRESS VARCHAR, ZNAME VARCHAR, ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR);
            CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
            INSERT INTO Z_PRIMARYKEY VALUES (2, 'CallRecord', 0, 4);
            """);
        for (var i = 1; i <= 4; i++)
        {
            Exec(db, "INSERT INTO ZCALLRECORD VALUES ($k, 2, 1, $a, 1, $o, $d, $dur, $addr, NULL, 'com.apple.Telephony', $u)",
                ("$k", i), ("$a", i == 3 ? 0 : 1), ("$o", i % 2), ("$d", AppleSeconds(Start.AddHours(i * 5))), ("$dur", i == 3 ? 0.0 : 60.0 * i + 12), ("$addr", $"+1555010000{i}"), ("$u", Guid.NewGuid().ToString("D").ToUpperInvariant()));
        }
    }

    private static void Notes(SqliteConnection db)
    {
        Exec(db, """
            CREATE TABLE ZICCLOUDSYNCINGOBJECT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZNOTEDATA INTEGER, ZFOLDER INTEGER, ZTITLE1 VARCHAR, ZTITLE2 VARCHAR, ZSNIPPET VARCHAR, ZCREATIONDATE1 TIMESTAMP, ZMODIFICATIONDATE1 TIMESTAMP, ZIDENTIFIER VARCHAR, ZMARKEDFORDELETION INTEGER);
            CREATE TABLE ZICNOTEDATA (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZNOTE INTEGER, ZDATA BLOB);
            INSERT INTO ZICCLOUDSYNCINGOBJECT (Z_PK, Z_ENT, Z_OPT, ZTITLE2, ZIDENTIFIER, ZMARKEDFORDELETION) VALUES (1, 14, 1, 'Notes', 'DefaultFolder-CloudKit', 0);
            """);
        string[][] notes = [["Shopping", "Milk, eggs, bread"], ["Trip ideas", "Lisbon in October; book the train early"]];
        for (var i = 0; i < notes.Length; i++)
        {
            var pk = i + 2;
            var when = AppleSeconds(Start.AddDays(i * 3));
            Exec(db, "INSERT INTO ZICCLOUDSYNCINGOBJECT (Z_PK, Z_ENT, Z_OPT, ZNOTEDATA, ZFOLDER, ZTITLE1, ZSNIPPET, ZCREATIONDATE1, ZMODIFICATIONDATE1, ZIDENTIFIER, ZMARKEDFORDELETION) VALUES ($k, 11, 1, $n, 1, $t, $s, $d, $d, $id, 0)",
                ("$k", pk), ("$n", i + 1), ("$t", notes[i][0]), ("$s", notes[i][1]), ("$d", when), ("$id", Guid.NewGuid().ToString("D").ToUpperInvariant()));
            Exec(db, "INSERT INTO ZICNOTEDATA VALUES ($k, 12, 1, $note, $data)", ("$k", i + 1), ("$note", pk), ("$data", Generated.PhoneWriter.Gzip(Generated.PhoneWriter.NoteProto(notes[i][0] + "\n" + notes[i][1]))));
        }
    }

    /// <summary>An RGB PNG with a seed-dependent gradient.</summary>
    internal static byte[] Png(int width, int height, int seed)
    {
        var raw = new byte[height * (1 + (width * 3))];
        for (var y = 0; y < height; y++)
        {
            var row = y * (1 + (width * 3));
            for (var x = 0; x < width; x++)
            {
                raw[row + 1 + (x * 3)] = (byte)(x * 4 * seed);
                raw[row + 2 + (x * 3)] = (byte)(y * 5);
                raw[row + 3 + (x * 3)] = (byte)(128 + (seed * 40));
            }
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typed = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        output.Write(word);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
