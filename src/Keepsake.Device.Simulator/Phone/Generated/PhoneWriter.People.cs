using System.IO.Compression;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>AddressBook (iOS 15 layout) with photos, CallHistory.storedata, and NoteStore.sqlite (iOS 17 layout).</summary>
internal sealed partial class PhoneWriter
{
    public const string AddressBookPath = "Library/AddressBook/AddressBook.sqlitedb";
    public const string AddressBookImagesPath = "Library/AddressBook/AddressBookImages.sqlitedb";
    public const string CallHistoryPath = "Library/CallHistoryDB/CallHistory.storedata";
    public const string NoteStorePath = "NoteStore.sqlite";

    private const string CallHistorySchema = """
        CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER, ZCALLTYPE INTEGER, ZDISCONNECTED_CAUSE INTEGER, ZFACE_TIME_DATA INTEGER, ZNUMBER_AVAILABILITY INTEGER, ZORIGINATED INTEGER, ZREAD INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZADDRESS VARCHAR, ZDEVICE_ID VARCHAR, ZISO_COUNTRY_CODE VARCHAR, ZLOCATION VARCHAR, ZNAME VARCHAR, ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR);
        CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
        CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
        CREATE INDEX ZCALLRECORD_ZDATE_INDEX ON ZCALLRECORD (ZDATE);
        """;

    private void WriteContacts()
    {
        Database(Home, AddressBookPath, "AddressBook", plan.Now, db =>
        {
            Exec(db, "INSERT INTO ABMultiValueLabel (ROWID, value) VALUES (1, '_$!<Mobile>!$_'), (2, '_$!<Home>!$_'), (3, '_$!<Work>!$_'), (4, 'iPhone')");
            Exec(db, "INSERT INTO ABStore (ROWID, Name, Type, StoreInternalIdentifier, guid) VALUES (1, 'Local', 0, 'local', '00000000-0000-4000-8000-0000000000AB')");
            using var person = Insert(db, "ABPerson", "ROWID", "First", "Last", "Organization", "Note", "Kind", "CreationDate", "ModificationDate", "FirstSort", "LastSort", "StoreID", "guid", "ImageType");
            using var value = Insert(db, "ABMultiValue", "UID", "record_id", "property", "identifier", "label", "value", "guid");
            var uid = 1;
            foreach (var c in plan.Contacts)
            {
                Row(person, c.Id, c.First, c.Last, c.Organization, c.Note, 0, (long)AppleSeconds(c.Created), (long)AppleSeconds(c.Modified), c.First, c.Last, 1, c.Guid, c.HasPhoto ? "JPEG" : null);
                Row(value, uid, c.Id, 3, 0, 1, c.Phone, $"{c.Guid[..24]}{uid:D12}");
                uid++;
                if (c.Email is { } email)
                {
                    Row(value, uid, c.Id, 4, 1, 2, email, $"{c.Guid[..24]}{uid:D12}");
                    uid++;
                }
            }
        });
        Database(Home, AddressBookImagesPath, "AddressBookImages", plan.Now, db =>
        {
            using var image = Insert(db, "ABFullSizeImage", "ROWID", "record_id", "crop_x", "crop_y", "crop_width", "data");
            foreach (var c in plan.Contacts.Where(c => c.HasPhoto))
            {
                Row(image, c.Id, c.Id, 0, 0, 480, ContactPhoto(c));
            }
        });
    }

    /// <summary>The JPEG stored as a contact's photo (also what an export must give back).</summary>
    internal static byte[] ContactPhoto(PhonePlan plan, GeneratedContact contact) => MediaFiles.Bytes(GeneratedMediaKind.Jpeg, 0, contact.Created, plan.FileSeed("contact", contact.Id));

    private byte[] ContactPhoto(GeneratedContact contact) => ContactPhoto(plan, contact);

    private void WriteCalls()
    {
        Database(Home, CallHistoryPath, null, plan.Now, db =>
        {
            Exec(db, CallHistorySchema);
            using var call = Insert(db, "ZCALLRECORD", "Z_PK", "Z_ENT", "Z_OPT", "ZANSWERED", "ZCALLTYPE", "ZORIGINATED", "ZREAD", "ZDATE", "ZDURATION", "ZADDRESS", "ZISO_COUNTRY_CODE", "ZNAME", "ZSERVICE_PROVIDER", "ZUNIQUE_ID");
            foreach (var c in plan.Calls)
            {
                Row(call, c.Id, 2, 1, c.Answered ? 1 : 0, c.CallType, c.Outgoing ? 1 : 0, 1, AppleSeconds(c.Date), c.DurationSeconds, c.Address, "us", null,
                    c.CallType == 1 ? "com.apple.Telephony" : "com.apple.FaceTime", $"{c.Id:D8}-0000-4000-8000-{plan.Profile.Seed & 0xFFFFFF:X12}");
            }

            Exec(db, $"INSERT INTO Z_PRIMARYKEY VALUES (2, 'CallRecord', 0, {plan.Calls.Count})");
        });
    }

    private void WriteNotes()
    {
        Database(NotesGroup, NoteStorePath, "NoteStore", plan.Now, db =>
        {
            using var item = Insert(db, "ZICCLOUDSYNCINGOBJECT", "Z_PK", "Z_ENT", "Z_OPT", "ZTITLE1", "ZTITLE2", "ZFOLDER", "ZNOTEDATA", "ZISPASSWORDPROTECTED", "ZIDENTIFIER", "ZMARKEDFORDELETION", "ZCREATIONDATE3", "ZMODIFICATIONDATE1", "ZSNIPPET", "ZCRYPTOITERATIONCOUNT");
            using var data = Insert(db, "ZICNOTEDATA", "Z_PK", "Z_ENT", "Z_OPT", "ZNOTE", "ZDATA");
            var folders = plan.Notes.Select(n => n.Folder).Distinct().ToList();
            var folderIds = new Dictionary<string, long>(StringComparer.Ordinal);
            var nextFolder = plan.Notes.Max(n => n.Id) + 1;
            foreach (var folder in folders)
            {
                var id = folder == "Notes" ? 1 : nextFolder++;
                folderIds[folder] = id;
                Row(item, id, 14, 1, null, folder, null, null, 0, folder == "Notes" ? "DefaultFolder-CloudKit" : $"FOLDER-{id:D4}", 0, null, null, null, null);
            }

            Row(item, 2, 14, 1, null, "Recently Deleted", null, null, 0, "TrashFolder-CloudKit", 0, null, null, null, null);
            var dataId = 1;
            foreach (var note in plan.Notes)
            {
                var body = note.Locked ? EncryptedLooking(note) : Gzip(NoteProto(note.Title + "\n" + note.Body));
                Row(item, note.Id, 11, 1, note.Title, null, folderIds[note.Folder], dataId, note.Locked ? 1 : 0, $"{note.Id:D8}-0000-4000-8000-000000000017", 0,
                    AppleSeconds(note.Created), AppleSeconds(note.Modified), note.Locked ? null : note.Body.Split('\n')[0], note.Locked ? 20000 : null);
                Row(data, dataId, 18, 1, note.Id, body);
                dataId++;
            }
        });
    }

    /// <summary>A locked note's ZDATA is ciphertext: bytes that are neither gzip nor readable.</summary>
    private byte[] EncryptedLooking(GeneratedNote note)
    {
        var bytes = new byte[96];
        new SeededBytes(plan.FileSeed("locked-note", note.Id)).Fill(bytes);
        return bytes;
    }

    /// <summary>The protobuf shape Notes uses: document(2) → note(3) → note_text(2).</summary>
    internal static byte[] NoteProto(string text) => Field(2, Field(3, Field(2, Encoding.UTF8.GetBytes(text))));

    private static byte[] Field(int number, byte[] value)
    {
        using var output = new MemoryStream();
        output.WriteByte((byte)((number << 3) | 2));
        var length = (uint)value.Length;
        while (length >= 0x80)
        {
            output.WriteByte((byte)(length | 0x80));
            length >>= 7;
        }

        output.WriteByte((byte)length);
        output.Write(value);
        return output.ToArray();
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
