using Keepsake.BackupFormat;
using Keepsake.Export.Contacts;
using Keepsake.Export.Databases;

namespace Keepsake.Export.Messages;

/// <summary>
/// An sms.db (iPhone) or chat.db (Mac), with the contact names used to label handles and, when it
/// came from a backup, the backup for its attachments. Open it from a backup
/// (<see cref="OpenAsync(IBackupFileSource, CancellationToken)"/>) or from a file (<see cref="Open"/>).
/// Reading is done by <see cref="MessageReader"/>.
/// </summary>
public sealed class MessagesDatabase : IDisposable
{
    /// <summary>Domain of sms.db and of message attachments in a backup.</summary>
    public const string HomeDomain = "HomeDomain";

    /// <summary>Path of sms.db inside <see cref="HomeDomain"/>.</summary>
    public const string SmsDbPath = "Library/SMS/sms.db";

    /// <summary>Domain of attachment files (§4.3 of the backup-format spec).</summary>
    public const string MediaDomain = "MediaDomain";

    /// <summary>Path of AddressBook.sqlitedb inside <see cref="HomeDomain"/>.</summary>
    public const string AddressBookPath = "Library/AddressBook/AddressBook.sqlitedb";

    private MessagesDatabase(DatabaseFile file, ContactNames contacts, IBackupFileSource? source, string? attachmentsRoot)
    {
        File = file;
        Contacts = contacts;
        Source = source;
        AttachmentsRoot = attachmentsRoot;
        var schema = file.Schema;
        if (!schema.HasTable("message"))
        {
            file.Dispose();
            throw new ExportException("has no 'message' table: not an sms.db or chat.db", file.Description);
        }
    }

    public DatabaseFile File { get; }

    public ContactNames Contacts { get; }

    /// <summary>The backup the database came from (not owned), or null for a loose file.</summary>
    public IBackupFileSource? Source { get; }

    /// <summary>For a loose file: the folder standing for the device's or Mac's home (<c>~</c>), where attachments are looked up.</summary>
    public string? AttachmentsRoot { get; }

    /// <summary>Opens a loose sms.db or chat.db.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="contacts">Names for handles (e.g. read from an AddressBook with <see cref="ContactNames.Read"/>).</param>
    /// <param name="attachmentsRoot">The folder that <c>~/</c> in attachment paths stands for; null: attachments are listed as missing.</param>
    public static MessagesDatabase Open(string path, ContactNames? contacts = null, string? attachmentsRoot = null) =>
        new(DatabaseFile.OpenPath(path), contacts ?? ContactNames.Empty, null, attachmentsRoot);

    /// <summary>Copies sms.db (and the AddressBook, for names) out of a backup and opens it.</summary>
    /// <exception cref="ExportException">The backup holds no sms.db.</exception>
    public static async Task<MessagesDatabase> OpenAsync(IBackupFileSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var file = await DatabaseFile.OpenFromBackupAsync(source, HomeDomain, SmsDbPath, cancellationToken).ConfigureAwait(false)
            ?? throw new NoDataException(ExportKind.Messages, "Messages", $"{HomeDomain}/{SmsDbPath}");
        try
        {
            var contacts = ContactNames.Empty;
            using (var book = await DatabaseFile.OpenOptionalFromBackupAsync(source, HomeDomain, AddressBookPath, cancellationToken).ConfigureAwait(false))
            {
                if (book is not null)
                {
                    contacts = ContactNames.Read(book);
                }
            }

            return new MessagesDatabase(file, contacts, source, null);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Closes the database and deletes its private copy.</summary>
    public void Dispose() => File.Dispose();

    /// <summary>A view of an sms.db already open (not owned: do not dispose the view).</summary>
    internal static MessagesDatabase Over(DatabaseFile file, ContactNames contacts) => new(file, contacts, null, null);
}
