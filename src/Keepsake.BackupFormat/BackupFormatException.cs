namespace Keepsake.BackupFormat;

/// <summary>
/// Bad data in a backup folder. Says what (<see cref="Error"/>) and where (<see cref="Path"/>:
/// a file of the folder, or "domain/relativePath" of an entry). Never carries a password or key.
/// </summary>
public sealed class BackupFormatException : FormatException
{
    public BackupFormatException(BackupFormatError error, string? path, string message, Exception? innerException = null)
        : base(path is null ? message : $"{path}: {message}", innerException)
    {
        Error = error;
        Path = path;
    }

    public BackupFormatError Error { get; }

    public string? Path { get; }
}
