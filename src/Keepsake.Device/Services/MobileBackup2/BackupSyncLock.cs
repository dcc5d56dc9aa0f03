using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.Afc;
using Keepsake.Device.Services.NotificationProxy;

namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>
/// What iTunes, idevicebackup2 and pymobiledevice3 do around a backup or restore: post
/// syncWillStart, take the exclusive AFC lock on <c>/com.apple.itunes.lock_sync</c>, post
/// syncLockRequest and syncDidStart; on release unlock and post syncDidFinish. The phone shows
/// "Syncing" meanwhile. Devices without AFC or notification_proxy are tolerated, as idevicebackup2 does.
/// </summary>
public sealed class BackupSyncLock : IAsyncDisposable
{
    public const string LockFile = "/com.apple.itunes.lock_sync";

    private readonly NotificationProxyClient? _notifications;
    private readonly AfcClient? _afc;
    private readonly ulong _handle;

    private BackupSyncLock(NotificationProxyClient? notifications, AfcClient? afc, ulong handle)
    {
        _notifications = notifications;
        _afc = afc;
        _handle = handle;
    }

    /// <summary>Takes the sync lock, retrying the AFC lock 50 × 0.2 s like libimobiledevice.</summary>
    public static async Task<BackupSyncLock> AcquireAsync(LockdownClient lockdown, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lockdown);
        NotificationProxyClient? notifications = null;
        AfcClient? afc = null;
        try
        {
            notifications = await NotificationProxyClient.StartAsync(lockdown, cancellationToken).ConfigureAwait(false);
            await notifications.PostAsync(NotificationProxyClient.SyncWillStart, cancellationToken).ConfigureAwait(false);
        }
        catch (LockdownException)
        {
            notifications = null;
        }

        try
        {
            afc = await AfcClient.StartAsync(lockdown, cancellationToken).ConfigureAwait(false);
        }
        catch (LockdownException)
        {
            afc = null;
        }

        ulong handle = 0;
        if (afc is not null)
        {
            handle = await afc.OpenAsync(LockFile, AfcOpenMode.ReadWrite, cancellationToken).ConfigureAwait(false);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await afc.LockAsync(handle, AfcLockOperation.ExclusiveNonBlocking, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (AfcException ex) when (ex.Status == AfcStatus.OperationWouldBlock && attempt < 50)
                {
                    await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                }
            }

            if (notifications is not null)
            {
                await notifications.PostAsync(NotificationProxyClient.SyncLockRequest, cancellationToken).ConfigureAwait(false);
            }
        }

        if (notifications is not null)
        {
            await notifications.PostAsync(NotificationProxyClient.SyncDidStart, cancellationToken).ConfigureAwait(false);
        }

        return new BackupSyncLock(notifications, afc, handle);
    }

    /// <summary>How long releasing may take before the connections are simply closed (a hung phone).</summary>
    public static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Unlocks, posts syncDidFinish and closes both services, within <see cref="ReleaseTimeout"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(ReleaseTimeout);
        try
        {
            if (_afc is not null)
            {
                await _afc.LockAsync(_handle, AfcLockOperation.Unlock, timeout.Token).ConfigureAwait(false);
                await _afc.CloseAsync(_handle, timeout.Token).ConfigureAwait(false);
            }

            if (_notifications is not null)
            {
                await _notifications.PostAsync(NotificationProxyClient.SyncDidFinish, timeout.Token).ConfigureAwait(false);
                await _notifications.ShutdownAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or OperationCanceledException)
        {
            // The device went away; nothing left to release.
        }
        finally
        {
            if (_afc is not null)
            {
                await _afc.DisposeAsync().ConfigureAwait(false);
            }

            if (_notifications is not null)
            {
                await _notifications.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
