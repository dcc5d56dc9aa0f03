using Keepsake.BackupFormat;
using Keepsake.Export;
using Keepsake.Primitives;
using Keepsake.Repository;

namespace Keepsake.Web.Data;

/// <summary>
/// The one mapping from what reading can raise to an HTTP status and a sentence for the person looking:
/// pages and downloads both use it. The sentence never holds a password, a token or a machine path.
/// </summary>
public static class WebErrors
{
    /// <summary>The status and message for <paramref name="error"/>; null for an exception that is a bug (rethrown).</summary>
    public static (int Status, string Message)? Map(Exception error) => error switch
    {
        WebException w => (w.Status, w.Message),
        NoDataException => (404, "This backup does not hold that kind of data."),
        ExportException => (422, "That data could not be read from this backup: it is damaged or in a form Keepsake does not read."),
        BackupFormatException { Error: BackupFormatError.WrongPassword } => (409, "That password does not open this backup."),
        BackupFormatException => (422, "Part of this backup is damaged and cannot be read."),
        RepositoryCorruptedException => (422, "Part of the vault is damaged and cannot be read; 'keepsake check' tells more."),
        PathEscapeException => (400, "That path would leave the snapshot."),
        KeyNotFoundException => (404, "Not found."),
        FormatException => (422, "Part of this backup's data is in a form Keepsake cannot read."),
        ArgumentException => (400, "The request is not valid."),
        _ => null,
    };
}
