namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>
/// The host-side folder a mobilebackup2 conversation reads and writes. Paths are relative to the
/// backup root, '/'-separated, and come from the device: implementations must confine them to the
/// root (SafePath) and throw <see cref="Keepsake.Primitives.PathEscapeException"/> otherwise.
/// Failures are <see cref="IOException"/>s (<see cref="FileNotFoundException"/>,
/// <see cref="DirectoryNotFoundException"/>, ...), which the client turns into DeviceLink error codes.
/// Two implementations: <see cref="LocalDeviceLinkFileSystem"/> and the Engine's staging folder.
/// </summary>
public interface IDeviceLinkFileSystem
{
    /// <summary>Creates (or truncates) a file for writing, creating missing parent folders. A file is
    /// complete only when the stream is disposed after a successful transfer; on failure
    /// <see cref="AbandonFile"/> is called.</summary>
    Stream CreateFile(string path);

    /// <summary>Removes a partially written file after a failed transfer.</summary>
    void AbandonFile(string path);

    /// <summary>Opens a file for reading, or returns null when it does not exist.</summary>
    Stream? OpenRead(string path);

    /// <summary>Creates a folder and its parents; existing is fine.</summary>
    void CreateDirectory(string path);

    /// <summary>Moves a file or folder, replacing <paramref name="destination"/> (recursively) and creating its parent.</summary>
    void Move(string source, string destination);

    /// <summary>Deletes a file or folder recursively; a missing path is not an error.</summary>
    void Remove(string path);

    /// <summary>Copies a file, or a folder recursively.</summary>
    void Copy(string source, string destination);

    /// <summary>The entries of a folder (empty when it does not exist).</summary>
    IReadOnlyList<DeviceLinkFileEntry> List(string path);

    /// <summary>Free bytes where the backup is stored.</summary>
    long GetFreeSpace();
}
