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

    /// <summary>
    /// On: <paramref name="oldPassword"/> null. Off: <paramref name="newPassword"/> null. Change: both.
    /// Needs no earlier backup: whatever the phone asks of the host's backup folder meanwhile is answered from
    /// an empty owner-only folder made under <paramref name="temporaryRoot"/> and removed afterwards.
    /// </summary>
    public static async Task ChangeAsync(IDeviceConnector connector, string temporaryRoot, Secret? oldPassword, Secret? newPassword, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connector);
        using var scratch = BackupTemporaryFolder.Create(temporaryRoot);
        var lockdown = await LockdownClient.ConnectWithSessionAsync(connector, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (lockdown.ConfigureAwait(false))
        {
            var backup = await MobileBackup2Client.StartAsync(lockdown, cancellationToken).ConfigureAwait(false);
            await using (backup.ConfigureAwait(false))
            {
                await backup.ChangePasswordAsync(new LocalDeviceLinkFileSystem(scratch.Path), oldPassword, newPassword, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
