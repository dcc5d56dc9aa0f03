using Keepsake.Export.Contacts;
using Keepsake.Export.Databases;
using Keepsake.Export.Messages;
using Keepsake.Export.Messages.TypedStream;
using Keepsake.Export.Notes;
using Keepsake.Export.Pdf;
using Keepsake.Export.Storage;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests;

/// <summary>Caller misuse raises BCL argument exceptions on every public entry point.</summary>
public sealed class ArgumentValidationTests
{
    [Fact]
    public async Task PublicEntryPoints_NullOrEmptyArguments_ThrowArgumentExceptions()
    {
        using var source = new MemoryBackupSource();
        Assert.Throws<ArgumentNullException>(() => new MessageReader(null!));
        Assert.Throws<ArgumentNullException>(() => new MessagesExporter(null!));
        Assert.Throws<ArgumentNullException>(() => new ContactsExporter(null!));
        Assert.Throws<ArgumentNullException>(() => new NotesExporter(null!));
        Assert.Throws<ArgumentNullException>(() => ContactNames.Read(null!));
        Assert.Throws<ArgumentNullException>(() => new VCardWriter(null!));
        Assert.Throws<ArgumentNullException>(() => VCardWriter.Escape(null!));
        Assert.Throws<ArgumentNullException>(() => new PdfTextDocument(null!, "x"));
        Assert.Throws<ArgumentNullException>(() => TypedStreamFoundation.ToText(null!));
        Assert.Throws<ArgumentNullException>(() => NoteRenderer.Render(null!, NoteFormat.Txt));
        Assert.Throws<ArgumentException>(() => DatabaseFile.OpenPath(string.Empty));
        await Assert.ThrowsAsync<ArgumentNullException>(() => MessagesDatabase.OpenAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => DatabaseFile.OpenFromBackupAsync(null!, "d", "p"));
        await Assert.ThrowsAsync<ArgumentException>(() => DatabaseFile.OpenFromBackupAsync(source, string.Empty, "p"));
        await Assert.ThrowsAsync<ArgumentNullException>(() => ExportRunner.RunAsync(ExportKind.Messages, (Keepsake.BackupFormat.IBackupFileSource)null!, "out"));
        await Assert.ThrowsAsync<ArgumentException>(() => ExportRunner.RunAsync(ExportKind.Messages, source, string.Empty));
        await Assert.ThrowsAsync<ArgumentException>(() => ExportRunner.RunAsync(ExportKind.Messages, string.Empty, "out"));
        await Assert.ThrowsAsync<ArgumentNullException>(() => StorageReport.BuildAsync(null!));
    }

    [Fact]
    public async Task RunAsync_BackupWithoutTheDatabase_ThrowsNoDataExceptionNamingIt()
    {
        using var source = new MemoryBackupSource();
        using var temp = new TempDirectory();
        foreach (var kind in Enum.GetValues<ExportKind>())
        {
            var ex = await Assert.ThrowsAsync<NoDataException>(() => ExportRunner.RunAsync(kind, source, temp.Combine(kind.ToString())));
            Assert.Equal(kind, ex.Kind);
            Assert.StartsWith("this backup holds no ", ex.Message, StringComparison.Ordinal);
            Assert.Contains("/", ex.Source, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunAsync_WrongKindOfDatabase_ThrowsExportException()
    {
        using var temp = new TempDirectory();
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
        }

        foreach (var kind in new[] { ExportKind.Contacts, ExportKind.Notes, ExportKind.Calendar, ExportKind.WhatsApp, ExportKind.Voicemail, ExportKind.Photos, ExportKind.Calls })
        {
            await Assert.ThrowsAsync<ExportException>(() => ExportRunner.RunAsync(kind, temp.Combine("sms.db"), temp.Combine("out")));
        }
    }
}
