using System.Globalization;
using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.Afc;
using Keepsake.Device.Transport;
using Keepsake.Plist;
using Keepsake.Primitives;

namespace Keepsake.Device.Services.MobileBackup2;

/// <summary>
/// Host side of com.apple.mobilebackup2: DeviceLink version exchange, Hello, then Backup, Restore,
/// Info, List and ChangePassword, each driven by the device's DeviceLink requests, which this
/// client executes against an <see cref="IDeviceLinkFileSystem"/>. It knows nothing of the backup format.
/// </summary>
public sealed class MobileBackup2Client : IAsyncDisposable
{
    public const string ServiceName = "com.apple.mobilebackup2";

    /// <summary>The AFC folder where a host leaves the list of apps to reinstall after a restore.</summary>
    public const string RestoreApplicationsFolder = "/iTunesRestore";

    private readonly DeviceLinkChannel _channel;
    private readonly string _udid;
    private LockdownClient? _lockdown;
    private long _bytesReceived;
    private long _bytesSent;
    private int _filesReceived;
    private double _percent;

    private MobileBackup2Client(DeviceLinkChannel channel, string udid, double protocolVersion)
    {
        _channel = channel;
        _udid = udid;
        ProtocolVersion = protocolVersion;
    }

    /// <summary>The negotiated mobilebackup2 protocol version (2.1 on modern devices).</summary>
    public double ProtocolVersion { get; }

    /// <summary>
    /// Whether Backup and Restore take the sync lock (<see cref="BackupSyncLock"/>) first, as iTunes does;
    /// only possible when started from a <see cref="LockdownClient"/>. Default true.
    /// </summary>
    public bool UseSyncLock { get; set; } = true;

    /// <summary>How long the device may stay silent before the operation fails with <see cref="TimeoutException"/>.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Starts the service (with the escrow bag) over a lockdown session, exchanges versions and says Hello.</summary>
    public static async Task<MobileBackup2Client> StartAsync(LockdownClient lockdown, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lockdown);
        var connection = await lockdown.OpenServiceAsync(ServiceName, withEscrowBag: true, cancellationToken).ConfigureAwait(false);
        var client = await StartAsync(connection, lockdown.Udid, cancellationToken).ConfigureAwait(false);
        client._lockdown = lockdown;
        return client;
    }

    /// <summary>Exchanges versions and says Hello over an already connected service connection (owned).</summary>
    public static async Task<MobileBackup2Client> StartAsync(ServiceConnection connection, string udid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(udid);
        var channel = new DeviceLinkChannel(connection);
        try
        {
            await channel.ExchangeVersionsAsHostAsync(DeviceLinkChannel.HostMajorVersion, cancellationToken).ConfigureAwait(false);
            await channel.SendProcessMessageAsync(new PlistDictionary
            {
                ["MessageName"] = "Hello",
                ["SupportedProtocolVersions"] = new PlistArray([2.0, 2.1]),
            }, cancellationToken).ConfigureAwait(false);
            var reply = await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            var body = reply.Count > 1 ? reply[1] as PlistDictionary : null;
            if (DeviceLinkChannel.Name(reply) != DeviceLinkMessageNames.ProcessMessage || body?.GetString("MessageName") != "Response")
            {
                throw new DeviceProtocolException($"mobilebackup2 Hello got {DeviceLinkChannel.Name(reply)} instead of a Response.");
            }

            if (body.GetInt64("ErrorCode") is { } code && code != 0)
            {
                throw new MobileBackup2Exception("Hello", code, "no common protocol version");
            }

            var version = body.Get<PlistReal>("ProtocolVersion")?.Value ?? throw new DeviceProtocolException("mobilebackup2 Hello Response has no ProtocolVersion.");
            return new MobileBackup2Client(channel, udid, version);
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Backs up into <paramref name="fileSystem"/> (the device decides what changed unless <paramref name="full"/>).</summary>
    public async Task BackupAsync(IDeviceLinkFileSystem fileSystem, bool full, IProgress<MobileBackup2Progress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        fileSystem.CreateDirectory(_udid);
        var request = Request("Backup");
        if (full)
        {
            request["Options"] = new PlistDictionary { ["ForceFullBackup"] = true };
        }

        var syncLock = await AcquireSyncLockAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RunAsync("Backup", request, fileSystem, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (syncLock is not null)
            {
                await syncLock.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Restores the backup in <paramref name="fileSystem"/> onto the device.</summary>
    public async Task RestoreAsync(IDeviceLinkFileSystem fileSystem, MobileBackup2RestoreOptions options, IProgress<MobileBackup2Progress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(options);
        var opts = new PlistDictionary
        {
            ["RestoreSystemFiles"] = options.RestoreSystemFiles,
            ["RestoreShouldReboot"] = options.Reboot,
            ["RestoreDontCopyBackup"] = !options.CopyBackup,
            ["RestorePreserveSettings"] = options.PreserveSettings,
            ["RemoveItemsNotRestored"] = options.RemoveItemsNotRestored,
        };
        if (options.Password is not null)
        {
            opts["Password"] = options.Password.Reveal();
        }

        var request = Request("Restore");
        request["Options"] = opts;
        var syncLock = await AcquireSyncLockAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!options.SkipApps && options.Applications is { Count: > 0 } applications)
            {
                await WriteRestoreApplicationsAsync(applications, cancellationToken).ConfigureAwait(false);
            }

            await RunAsync("Restore", request, fileSystem, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (syncLock is not null)
            {
                await syncLock.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Info: the device's description of the backup (the <c>Content</c> value, if any).</summary>
    public Task<PlistNode?> InfoAsync(IDeviceLinkFileSystem fileSystem, CancellationToken cancellationToken = default) =>
        RunAsync("Info", Request("Info"), fileSystem, null, cancellationToken);

    /// <summary>List: the device's listing of the backup (CSV text in <c>Content</c>).</summary>
    public async Task<string?> ListAsync(IDeviceLinkFileSystem fileSystem, CancellationToken cancellationToken = default) =>
        (await RunAsync("List", Request("List"), fileSystem, null, cancellationToken).ConfigureAwait(false)) is PlistString s ? s.Value : null;

    /// <summary>Turns backup encryption on (<paramref name="oldPassword"/> null), off (<paramref name="newPassword"/> null) or changes the password.</summary>
    public async Task ChangePasswordAsync(IDeviceLinkFileSystem fileSystem, Secret? oldPassword, Secret? newPassword, CancellationToken cancellationToken = default)
    {
        if (oldPassword is null && newPassword is null)
        {
            throw new ArgumentException("Give an old password, a new password, or both.");
        }

        var request = Request("ChangePassword");
        if (newPassword is not null)
        {
            request["NewPassword"] = newPassword.Reveal();
        }

        if (oldPassword is not null)
        {
            request["OldPassword"] = oldPassword.Reveal();
        }

        await RunAsync("ChangePassword", request, fileSystem, null, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _channel.SendDisconnectAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The device is gone already.
        }

        await _channel.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<BackupSyncLock?> AcquireSyncLockAsync(CancellationToken cancellationToken)
    {
        if (!UseSyncLock || _lockdown is null)
        {
            return null;
        }

        try
        {
            return await BackupSyncLock.AcquireAsync(_lockdown, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            // The lock is a courtesy to the phone's UI; the backup itself does not need it.
            return null;
        }
    }

    /// <summary>The list of apps the phone reinstalls after a restore, as iTunes leaves it (XML plist over AFC).</summary>
    private async Task WriteRestoreApplicationsAsync(PlistDictionary applications, CancellationToken cancellationToken)
    {
        if (_lockdown is null)
        {
            throw new InvalidOperationException("Restoring apps needs a client started from a lockdown session (the list goes over AFC).");
        }

        var afc = await AfcClient.StartAsync(_lockdown, cancellationToken).ConfigureAwait(false);
        await using (afc.ConfigureAwait(false))
        {
            await afc.MakeDirectoryAsync(RestoreApplicationsFolder, cancellationToken).ConfigureAwait(false);
            await afc.WriteFileAsync(RestoreApplicationsFolder + "/RestoreApplications.plist", PlistWriter.ToXml(applications), cancellationToken).ConfigureAwait(false);
        }
    }

    private PlistDictionary Request(string name) => new()
    {
        ["MessageName"] = name,
        ["TargetIdentifier"] = _udid,
        ["SourceIdentifier"] = _udid,
    };

    private async Task<PlistNode?> RunAsync(string operation, PlistDictionary request, IDeviceLinkFileSystem fileSystem, IProgress<MobileBackup2Progress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        _bytesReceived = 0;
        _bytesSent = 0;
        _filesReceived = 0;
        _percent = 0;
        try
        {
            return await ConverseAsync(operation, request, fileSystem, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (DeviceDisconnectedException.IsDisconnect(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw new DeviceDisconnectedException($"The iPhone disconnected during {operation} ({_filesReceived} files, {_bytesReceived} bytes received; what was received is kept).", ex);
        }
    }

    private async Task<PlistNode?> ConverseAsync(string operation, PlistDictionary request, IDeviceLinkFileSystem fileSystem, IProgress<MobileBackup2Progress>? progress, CancellationToken cancellationToken)
    {
        var handler = new MobileBackup2MessageHandler(_channel, fileSystem, this);
        _channel.Connection.ReceiveTimeout = IdleTimeout;
        await _channel.SendProcessMessageAsync(request, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var message = await _channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            var name = DeviceLinkChannel.Name(message);
            if (name == DeviceLinkMessageNames.ProcessMessage)
            {
                var body = message.Count > 1 ? message[1] as PlistDictionary : null;
                var code = body?.GetInt64("ErrorCode") ?? 0;
                if (code != 0)
                {
                    throw new MobileBackup2Exception(operation, code, body?.GetString("ErrorDescription"));
                }

                _percent = 100;
                Report(progress);
                return body is not null && body.TryGetValue("Content", out var content) ? content : null;
            }

            if (name == DeviceLinkMessageNames.Disconnect)
            {
                throw new MobileBackup2Exception($"The device disconnected before finishing {operation}.");
            }

            var percent = await handler.HandleAsync(name, message, cancellationToken).ConfigureAwait(false);
            if (percent is { } p)
            {
                _percent = p;
            }

            Report(progress);
        }
    }

    private void Report(IProgress<MobileBackup2Progress>? progress) =>
        progress?.Report(new MobileBackup2Progress(_bytesReceived, _filesReceived, _bytesSent, _percent));

    internal void CountReceived(long bytes, bool fileDone)
    {
        _bytesReceived += bytes;
        if (fileDone)
        {
            _filesReceived++;
        }
    }

    internal void CountSent(long bytes) => _bytesSent += bytes;

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
