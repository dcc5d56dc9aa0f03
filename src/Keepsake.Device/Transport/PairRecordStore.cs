using Keepsake.Primitives;

namespace Keepsake.Device.Transport;

/// <summary>
/// Pair records kept in a folder of Keepsake's own, <c>&lt;folder&gt;/&lt;UDID&gt;.plist</c>, for phones reached
/// without usbmuxd (Wi-Fi): the folder is owner-only (0700) and each record too (0600), written under a
/// temporary name and renamed. UDIDs come from the network, so paths are confined to the folder.
/// </summary>
public sealed class PairRecordStore(string folder)
{
    public string Folder { get; } = folder ?? throw new ArgumentNullException(nameof(folder));

    public bool Has(string udid) => File.Exists(PathOf(udid));

    /// <summary>The record of <paramref name="udid"/>, or null when there is none.</summary>
    public async Task<byte[]?> ReadAsync(string udid, CancellationToken cancellationToken = default)
    {
        var path = PathOf(udid);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false) : null;
    }

    public async Task SaveAsync(string udid, ReadOnlyMemory<byte> record, CancellationToken cancellationToken = default)
    {
        CreateFolder();
        await OwnerOnlyFile.WriteAllBytesAsync(PathOf(udid), record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the folder, owner-only.</summary>
    internal void CreateFolder()
    {
        Directory.CreateDirectory(Folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string PathOf(string udid)
    {
        ArgumentException.ThrowIfNullOrEmpty(udid);
        return new SafePath(Folder).Resolve(udid + ".plist");
    }
}
