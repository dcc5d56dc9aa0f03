using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Keepsake.Device.Simulator.Backup;

/// <summary>
/// Keeps the last backup image while the phone folder, the password and the keybag are unchanged (same
/// paths, sizes and times), so repeated backups of a large phone do not rebuild it. One backup runs at a time per
/// device, as on a real iPhone.
/// </summary>
internal sealed class BackupImageCache : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private BackupImage? _image;
    private string? _fingerprint;

    /// <summary>Waits for the device's backup slot; dispose the result to release it.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(_gate);
    }

    /// <summary>The image for this run (call inside <see cref="EnterAsync"/>); owned by the cache.</summary>
    public BackupImage Get(SimulatedDevice device, string uuid, string? password, bool isFullBackup)
    {
        var fingerprint = Fingerprint(device);
        var keybagDigest = password is null || device.State.BackupKeybag is not { } keybag ? null : Convert.ToHexStringLower(SHA256.HashData(keybag));
        if (_image is { } cached && cached.Password == password && cached.KeybagDigest == keybagDigest && fingerprint == _fingerprint)
        {
            cached.Stamp(uuid, isFullBackup);
            return cached;
        }

        _image?.Dispose();
        _image = null;
        _image = BackupImage.Build(device, uuid, password, isFullBackup);
        _fingerprint = fingerprint;
        return _image;
    }

    public void Dispose()
    {
        _image?.Dispose();
        _gate.Dispose();
    }

    private static string Fingerprint(SimulatedDevice device)
    {
        var text = new StringBuilder();
        foreach (var file in device.Phone.Enumerate())
        {
            text.Append(CultureInfo.InvariantCulture, $"{file.Domain}/{file.RelativePath}\0{file.IsDirectory}\0{file.Length}\0{file.Modified.UtcTicks}\n");
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
