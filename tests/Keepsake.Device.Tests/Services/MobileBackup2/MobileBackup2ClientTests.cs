using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Simulator;
using Keepsake.Primitives;
using Keepsake.TestKit;

namespace Keepsake.Device.Tests.Services.MobileBackup2;

public sealed class MobileBackup2ClientTests
{
    [ToolFact("idevicebackup2")]
    public async Task BackupAsync_Full_SameFilesAndBytesAsIdevicebackup2()
    {
        await using var session = await SimulatorSession.StartAsync();
        var theirs = Path.Combine(session.Root, "theirs");
        var ours = Path.Combine(session.Root, "ours");
        Directory.CreateDirectory(theirs);
        session.Run("idevicebackup2", "backup", "--full", theirs).EnsureSuccess("idevicebackup2 backup --full");
        await HostSide.BackupAsync(session, ours, full: true);

        var udid = session.Host.Udid;
        var theirFiles = Files(Path.Combine(theirs, udid));
        var ourFiles = Files(Path.Combine(ours, udid));
        theirFiles.Remove("Info.plist");
        Assert.Equal(theirFiles.Keys.Order(StringComparer.Ordinal), ourFiles.Keys.Order(StringComparer.Ordinal));
        // Every file the phone sent is byte-identical (blobs, Manifest.db); Status.plist and Manifest.plist too but for
        // the fields that belong to each backup run: its UUID and date, and the keybag a plain backup makes anew each
        // time (its keys are wrapped under a random secret that is thrown away).
        foreach (var (name, path) in theirFiles.Where(f => f.Key is not "Status.plist" and not "Manifest.plist"))
        {
            Assert.True(File.ReadAllBytes(path).AsSpan().SequenceEqual(File.ReadAllBytes(ourFiles[name])), $"{name} differs");
        }

        var theirManifest = Keepsake.Plist.PlistReader.ReadFile(theirFiles["Manifest.plist"]).AsDictionary();
        var ourManifest = Keepsake.Plist.PlistReader.ReadFile(ourFiles["Manifest.plist"]).AsDictionary();
        Assert.Equal(theirManifest.Keys.Order(StringComparer.Ordinal), ourManifest.Keys.Order(StringComparer.Ordinal));
        Assert.False(theirManifest.GetBoolean("IsEncrypted") ?? false);
        foreach (var key in theirManifest.Keys.Where(k => k is not "Date" and not "BackupKeyBag"))
        {
            Assert.Equal(theirManifest[key], ourManifest[key]);
        }

        var theirStatus = Keepsake.Plist.PlistReader.ReadFile(theirFiles["Status.plist"]).AsDictionary();
        var ourStatus = Keepsake.Plist.PlistReader.ReadFile(ourFiles["Status.plist"]).AsDictionary();
        Assert.Equal(theirStatus.Keys.Order(StringComparer.Ordinal), ourStatus.Keys.Order(StringComparer.Ordinal));
        foreach (var key in theirStatus.Keys.Where(k => k is not "UUID" and not "Date"))
        {
            Assert.Equal(theirStatus[key], ourStatus[key]);
        }

        DebianToolsTests_AssertIfReadable(Path.Combine(ours, udid), session.PhoneFolder);
    }

    [Fact]
    public async Task BackupAsync_Default_TakesAndReleasesSyncLockLikeItunes()
    {
        await using var session = await SimulatorSession.StartAsync();
        await HostSide.BackupAsync(session, Path.Combine(session.Root, "ours"), full: true);
        Assert.Equal(
            ["com.apple.itunes-mobdev.syncWillStart", "com.apple.itunes-mobdev.syncLockRequest", "com.apple.itunes-mobdev.syncDidStart", "com.apple.itunes-mobdev.syncDidFinish"],
            session.Host.PostedNotifications);
    }

    [ToolFact("idevicebackup2")]
    public async Task Idevicebackup2_Backup_PostsTheSameSyncNotifications()
    {
        await using var session = await SimulatorSession.StartAsync();
        var theirs = Path.Combine(session.Root, "theirs");
        Directory.CreateDirectory(theirs);
        session.Run("idevicebackup2", "backup", "--full", theirs).EnsureSuccess("idevicebackup2 backup --full");
        Assert.Equal(
            ["com.apple.itunes-mobdev.syncWillStart", "com.apple.itunes-mobdev.syncLockRequest", "com.apple.itunes-mobdev.syncDidStart", "com.apple.itunes-mobdev.syncDidFinish"],
            session.Host.PostedNotifications);
    }

    [Fact]
    public async Task BackupAsync_Progress_ReportsBytesFilesAndPercent()
    {
        await using var session = await SimulatorSession.StartAsync();
        var reports = new List<MobileBackup2Progress>();
        await HostSide.BackupAsync(session, Path.Combine(session.Root, "ours"), full: true, new SyncProgress(reports.Add));
        var last = reports[^1];
        Assert.Equal(100, last.Percent);
        Assert.True(last.BytesReceived >= 70_000 + 150_000, $"only {last.BytesReceived} bytes reported");
        Assert.True(last.FilesReceived >= 5);
    }

    [Fact]
    public async Task BackupAsync_Incremental_RewritesOnlyChangedBlobs()
    {
        await using var session = await SimulatorSession.StartAsync();
        var ours = Path.Combine(session.Root, "ours");
        await HostSide.BackupAsync(session, ours, full: true);
        var folder = Path.Combine(ours, session.Host.Udid);
        var unchanged = BlobPath(folder, "HomeDomain", "Library/SMS/sms.db");
        var changed = BlobPath(folder, "HomeDomain", "Library/Notes/notes.txt");
        var removed = BlobPath(folder, "AppDomain-com.example.app", "Documents/a.txt");
        File.SetLastWriteTimeUtc(unchanged, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.WriteAllText(Path.Combine(session.PhoneFolder, "HomeDomain", "Library", "Notes", "notes.txt"), "Buy milk and eggs\n");
        File.Delete(Path.Combine(session.PhoneFolder, "AppDomain-com.example.app", "Documents", "a.txt"));

        await HostSide.BackupAsync(session, ours, full: false);

        Assert.Equal(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(unchanged));
        Assert.Equal("Buy milk and eggs\n", File.ReadAllText(changed));
        Assert.False(File.Exists(removed));
        Assert.False(Directory.Exists(Path.Combine(folder, "Snapshot")));
    }

    [Fact]
    public async Task BackupAsync_DisconnectFault_ThrowsDisconnectedAndNextIncrementalCompletes()
    {
        using var temp = new TempDirectory("keepsake-device");
        var ours = Path.Combine(temp.Path, "ours");
        await using (var first = await SimulatorSession.StartAsync(reuse: temp))
        {
            await HostSide.BackupAsync(first, ours, full: true);
        }

        var phone = Path.Combine(temp.Path, "phone");
        Keepsake.Device.Tests.Simulator.DebianToolsTests.BuiltIn(phone, "HomeDomain", "Library/Big.bin", [.. Enumerable.Range(0, 400_000).Select(i => (byte)(i * 13))]);
        await using (var faulty = await SimulatorSession.StartAsync(new SimulatorFaults { DisconnectAfterBytes = 200_000 }, reuse: temp))
        {
            var started = DateTime.UtcNow;
            var error = await Assert.ThrowsAsync<Keepsake.Device.Transport.DeviceDisconnectedException>(() => HostSide.BackupAsync(faulty, ours, full: false));
            Assert.Contains("disconnected during Backup", error.Message, StringComparison.Ordinal);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
        }

        await using var healthy = await SimulatorSession.StartAsync(reuse: temp);
        await HostSide.BackupAsync(healthy, ours, full: false);
        Keepsake.Device.Tests.Simulator.DebianToolsTests.AssertBackupMatchesPhone(Path.Combine(ours, healthy.Host.Udid), phone, null);
        Assert.False(Directory.Exists(Path.Combine(ours, healthy.Host.Udid, "Snapshot")));
    }

    [Fact]
    public async Task BackupAsync_HostDiskTooSmall_ThrowsMobileBackup2Exception105()
    {
        await using var session = await SimulatorSession.StartAsync();
        var fs = new TinyDiskFileSystem(new LocalDeviceLinkFileSystem(Path.Combine(session.Root, "ours")));
        var ex = await Assert.ThrowsAsync<MobileBackup2Exception>(() => HostSide.BackupAsync(session, string.Empty, full: true, fileSystem: fs));
        Assert.Equal(105, ex.ErrorCode);
        Assert.Contains("free space", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackupAsync_PhoneLocked_ThrowsPasswordProtectedWithUnlockAdvice()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorFaults { PasscodeLocked = true });
        var ex = await Assert.ThrowsAsync<LockdownException>(() => HostSide.BackupAsync(session, Path.Combine(session.Root, "ours"), full: true));
        Assert.Equal(LockdownError.PasswordProtected, ex.Error);
        Assert.Contains("Unlock your iPhone", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangePasswordAsync_On_DeviceReportsWillEncrypt()
    {
        await using var session = await SimulatorSession.StartAsync();
        var connector = await HostSide.ConnectorAsync(session);
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(connector);
        await using (var backup = await MobileBackup2Client.StartAsync(lockdown))
        {
            using var password = Secret.FromString("pw");
            await backup.ChangePasswordAsync(new LocalDeviceLinkFileSystem(Path.Combine(session.Root, "ours")), null, password);
        }

        Assert.True((await lockdown.GetValueAsync("com.apple.mobile.backup", "WillEncrypt")).AsBoolean());
    }

    [Fact]
    public async Task ListAsync_AfterBackup_ListsEveryPhoneFile()
    {
        await using var session = await SimulatorSession.StartAsync();
        var ours = Path.Combine(session.Root, "ours");
        await HostSide.BackupAsync(session, ours, full: true);
        await using var lockdown = await LockdownClient.ConnectWithSessionAsync(await HostSide.ConnectorAsync(session));
        await using var client = await MobileBackup2Client.StartAsync(lockdown);
        var list = await client.ListAsync(new LocalDeviceLinkFileSystem(ours));
        Assert.NotNull(list);
        Assert.Contains("CameraRollDomain,Media/DCIM/100APPLE/IMG_0001.JPG,", list, StringComparison.Ordinal);
        var info = await client.InfoAsync(new LocalDeviceLinkFileSystem(ours));
        Assert.Equal(session.Host.Udid, info?.AsDictionary().GetDictionary("Lockdown")?.GetString("UniqueDeviceID"));
    }

    internal static string BlobPath(string folder, string domain, string relativePath)
    {
        var id = Keepsake.BackupFormat.BackupFileId.Compute(domain, relativePath);
        return Path.Combine(folder, id[..2], id);
    }

    private static void DebianToolsTests_AssertIfReadable(string folder, string phone)
    {
        if (File.Exists(Path.Combine(folder, "Manifest.db")))
        {
            Keepsake.Device.Tests.Simulator.DebianToolsTests.AssertBackupMatchesPhone(folder, phone, null);
        }
    }

    private static Dictionary<string, string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(p => Path.GetRelativePath(root, p).Replace('\\', '/'));

    private sealed class SyncProgress(Action<MobileBackup2Progress> report) : IProgress<MobileBackup2Progress>
    {
        public void Report(MobileBackup2Progress value) => report(value);
    }
}
