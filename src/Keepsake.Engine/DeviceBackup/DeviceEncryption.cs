using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Transport;
using Keepsake.Plist;
using Keepsake.Primitives;

namespace Keepsake.Engine.DeviceBackup;

/// <summary>
/// The phone's backup encryption (a setting kept on the phone): whether it is on, and turning it on,
/// off, or changing its password. The phone checks the old password itself, before changing anything.
/// </summary>
public static class DeviceEncryption
{
    public static async Task<bool> IsOnAsync(IDeviceConnector connector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connector);
        var lockdown = await LockdownClient.ConnectWithSessionAsync(connector, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (lockdown.ConfigureAwait(false))
        {
            var value = await lockdown.TryGetValueAsync("com.apple.mobile.backup", "WillEncrypt", cancellationToken).ConfigureAwait(false);
            return value is PlistBoolean { Value: true };
        }
    }

    /// <summary>On: <paramref name="oldPassword"/> null. Off: <paramref name="newPassword"/> null. Change: both.</summary>
    public static async Task ChangeAsync(IDeviceConnector connector, string workingRoot, Secret? oldPassword, Secret? newPassword, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connector);
        Directory.CreateDirectory(workingRoot);
        var lockdown = await LockdownClient.ConnectWithSessionAsync(connector, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (lockdown.ConfigureAwait(false))
        {
            var backup = await MobileBackup2Client.StartAsync(lockdown, cancellationToken).ConfigureAwait(false);
            await using (backup.ConfigureAwait(false))
            {
                await backup.ChangePasswordAsync(new LocalDeviceLinkFileSystem(workingRoot), oldPassword, newPassword, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
