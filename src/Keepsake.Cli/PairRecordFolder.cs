using Keepsake.Primitives;

namespace Keepsake.Cli;

/// <summary>
/// Keepsake's own copy of pair records, <c>&lt;folder&gt;/&lt;UDID&gt;.plist</c> (owner-only), where the
/// Wi-Fi path (<see cref="Device.Transport.TcpDeviceConnector"/>) reads them: a phone reached
/// directly over the network has no usbmuxd to keep its pairing.
/// </summary>
internal sealed class PairRecordFolder(string folder)
{
    public string Folder { get; } = folder;

    public bool Has(string udid) => File.Exists(PathOf(udid));

    /// <summary>Writes the record under a temporary name with mode 0600, then renames it into place.</summary>
    public async Task SaveAsync(string udid, ReadOnlyMemory<byte> record, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = PathOf(udid);
        var temp = path + ".partial";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temp, options))
        {
            await stream.WriteAsync(record, cancellationToken);
        }

        File.Move(temp, path, overwrite: true);
    }

    private string PathOf(string udid) => new SafePath(Folder).Resolve(udid + ".plist");
}
