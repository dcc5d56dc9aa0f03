using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Transport;
using Keepsake.Device.Usbmux;

namespace Keepsake.Device.Tests;

/// <summary>Keepsake's own host side driven against a simulator session, the way the Engine will.</summary>
internal static class HostSide
{
    public static async Task<UsbmuxDeviceConnector> ConnectorAsync(SimulatorSession session) =>
        await UsbmuxDeviceConnector.FindAsync(new UsbmuxClient(session.Host.EndPoint));

    public static async Task BackupAsync(SimulatorSession session, string backupRoot, bool full, IProgress<MobileBackup2Progress>? progress = null, IDeviceLinkFileSystem? fileSystem = null, CancellationToken cancellationToken = default, TimeSpan? idleTimeout = null)
    {
        var connector = await ConnectorAsync(session);
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(connector, cancellationToken: cancellationToken);
        await using var backup = await MobileBackup2Client.StartAsync(lockdown, cancellationToken);
        backup.IdleTimeout = idleTimeout ?? TimeSpan.FromSeconds(20);
        await backup.BackupAsync(fileSystem ?? new LocalDeviceLinkFileSystem(backupRoot), full, progress, cancellationToken);
    }

    public static async Task RestoreAsync(SimulatorSession session, string backupRoot, MobileBackup2RestoreOptions options)
    {
        var connector = await ConnectorAsync(session);
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(connector);
        await using var backup = await MobileBackup2Client.StartAsync(lockdown);
        backup.IdleTimeout = TimeSpan.FromSeconds(20);
        await backup.RestoreAsync(new LocalDeviceLinkFileSystem(backupRoot), options);
    }
}
