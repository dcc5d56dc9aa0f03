namespace Keepsake.BackupFormat;

/// <summary>
/// The files of one Apple backup folder, by name relative to the folder ('/'-separated:
/// <c>Manifest.plist</c>, <c>Manifest.db</c>, <c>3d/3d0d7e5f…</c>). <see cref="BackupFolder"/> reads a
/// backup through this seam, so the same reader (and its decryption) serves a folder on disk
/// (<see cref="DirectoryBackupStore"/>) and a backup kept in the vault (a snapshot, in Keepsake.Engine),
/// which is read in place without being restored to disk first.
/// </summary>
/// <remarks>
/// Contract: names never contain <c>..</c> or a leading '/', and implementations must refuse such
/// names rather than resolve them; <see cref="OpenRead"/> returns a forward-only stream of the stored
/// bytes and throws <see cref="FileNotFoundException"/> when the file is absent; every member is
/// safe to call from several threads at once.
/// </remarks>
public interface IBackupStore
{
    /// <summary>Where the backup is, for messages (a folder path, or a snapshot id and path).</summary>
    string Location { get; }

    /// <summary>Whether the regular file <paramref name="name"/> exists.</summary>
    bool FileExists(string name);

    /// <summary>Whether the folder <paramref name="name"/> exists (e.g. the <c>Snapshot</c> staging folder).</summary>
    bool DirectoryExists(string name);

    /// <summary>The size in bytes of the file <paramref name="name"/>.</summary>
    long GetLength(string name);

    /// <summary>The stored bytes of <paramref name="name"/>.</summary>
    Stream OpenRead(string name);

    /// <summary>
    /// A path on the local disk where <paramref name="name"/> can be opened directly (SQLite needs one),
    /// or null when the store is not a folder on disk and the caller must copy the file out.
    /// </summary>
    string? GetLocalPath(string name);
}
