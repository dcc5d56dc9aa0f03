using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>
/// Writes a <see cref="PhonePlan"/> into a phone folder (<c>&lt;Domain&gt;/&lt;relative path&gt;</c>):
/// every database rebuilt from the plan with the table layout of the iOS version it imitates (Phone/Schemas,
/// taken from real phones' databases), and every media file written only when absent, straight to disk.
/// Files the plan no longer has are removed. Every file's modification time comes from the plan, so two
/// runs give identical folders.
/// </summary>
internal sealed partial class PhoneWriter(PhonePlan plan, string root)
{
    public const string Home = "HomeDomain";

    /// <summary>Where iOS backs up Messages attachments (<c>~/Library/SMS/Attachments</c>).</summary>
    public const string MediaDomain = "MediaDomain";
    public const string CameraRoll = "CameraRollDomain";
    public const string WhatsAppGroup = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";
    public const string NotesGroup = "AppDomainGroup-group.com.apple.notes";

    private static readonly DateTimeOffset AppleEpoch = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    public void Write()
    {
        Directory.CreateDirectory(root);
        WriteMessages();
        WriteContacts();
        WriteCalls();
        WriteNotes();
        WritePhotos();
        WriteVoicemail();
        WriteCalendar();
        WriteSafari();
        WriteWhatsApp();
        WriteApps();
        WriteFile(Home, "Library/Preferences/com.apple.Preferences.plist", plan.Now,
            s => s.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict><key>KeyboardAutocorrection</key><true/></dict></plist>\n"u8));
        RemoveUnplanned();
    }

    internal static double AppleSeconds(DateTimeOffset time) => (time - AppleEpoch).TotalSeconds;

    internal static long AppleNanoseconds(DateTimeOffset time) => (time - AppleEpoch).Ticks * 100;

    private string FullPath(string domain, string relativePath) => Path.Combine(root, domain, relativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Writes a file when it is absent or of another size (contents depend only on the plan), and stamps its time.</summary>
    private void WriteFile(string domain, string relativePath, DateTimeOffset modified, Action<Stream> write, long? expectedSize = null)
    {
        var path = FullPath(domain, relativePath);
        _written.Add(path);
        if (expectedSize is { } size && File.Exists(path) && new FileInfo(path).Length == size)
        {
            File.SetLastWriteTimeUtc(path, modified.UtcDateTime);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = path + ".partial";
        using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
        {
            write(stream);
        }

        File.Move(partial, path, overwrite: true);
        File.SetLastWriteTimeUtc(path, modified.UtcDateTime);
    }

    private void Media(string domain, string relativePath, GeneratedMediaKind kind, long size, DateTimeOffset date, double latitude, double longitude, ulong seed, string title = "Keepsake")
    {
        WriteFile(domain, relativePath, date, s => MediaFiles.Write(s, kind, size, date, latitude, longitude, seed, title), MediaFiles.Length(kind, size, title));
    }

    /// <summary>Rebuilds one database from its schema and <paramref name="fill"/>, in one transaction.</summary>
    private void Database(string domain, string relativePath, string? schema, DateTimeOffset modified, Action<SqliteConnection> fill)
    {
        var path = FullPath(domain, relativePath);
        _written.Add(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal", ".partial" })
        {
            File.Delete(path + suffix);
        }

        var partial = path + ".partial";
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = partial, Pooling = false, ForeignKeys = false }.ToString()))
        {
            connection.Open();
            using var transaction = connection.BeginTransaction();
            if (schema is not null)
            {
                Exec(connection, Schema(schema));
            }

            fill(connection);
            transaction.Commit();
        }

        File.Move(partial, path);
        File.SetLastWriteTimeUtc(path, modified.UtcDateTime);
    }

    internal static string Schema(string name)
    {
        using var stream = typeof(PhoneWriter).Assembly.GetManifestResourceStream($"Schemas.{name}.sql") ?? throw new InvalidOperationException($"The simulator lacks the schema {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A prepared INSERT of the named columns; set values with <see cref="Row"/>.</summary>
    private static SqliteCommand Insert(SqliteConnection connection, string table, params string[] columns)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
        for (var i = 0; i < columns.Length; i++)
        {
            command.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null));
        }

        return command;
    }

    private static void Row(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }

    /// <summary>Removes what the plan no longer has: media it deleted and the data of apps it removed (other files are left alone).</summary>
    private void RemoveUnplanned()
    {
        var managed = new List<string>
        {
            FullPath(CameraRoll, "Media/DCIM"), FullPath(MediaDomain, "Library/SMS/Attachments"), FullPath(WhatsAppGroup, "Message/Media"),
        };
        var apps = plan.Apps.Select(a => "AppDomain-" + a.BundleId).ToHashSet(StringComparer.Ordinal);
        managed.AddRange(Directory.EnumerateDirectories(root, "AppDomain-*").Where(d => !apps.Contains(Path.GetFileName(d))));
        foreach (var folder in managed.Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToList())
            {
                if (!_written.Contains(file))
                {
                    File.Delete(file);
                }
            }

            foreach (var directory in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(folder).ToList())
            {
                if (!Directory.EnumerateFileSystemEntries(directory).Any())
                {
                    Directory.Delete(directory);
                }
            }
        }
    }
}
