using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Simulator;
using Keepsake.Device.Tests.Simulator;
using Keepsake.Primitives;
using Keepsake.TestKit;

namespace Keepsake.Device.Tests.Services.MobileBackup2;

/// <summary>Faults end in a typed error within the documented time, and leave a folder the next backup completes.</summary>
public sealed class MobileBackup2FaultTests
{
    [Fact]
    public async Task BackupAsync_StalledDevice_ThrowsTimeoutWithinIdleTimeoutAndNextIncrementalCompletes()
    {
        using var temp = new TempDirectory("keepsake-device");
        var ours = Path.Combine(temp.Path, "ours");
        await FullBackupThenChangeAsync(temp, ours);
        await using (var session = await SimulatorSession.StartAsync(new SimulatorFaults { StallAfterBytes = 150_000 }, reuse: temp))
        {
            var started = DateTime.UtcNow;
            await Assert.ThrowsAsync<TimeoutException>(() => HostSide.BackupAsync(session, ours, full: false, idleTimeout: TimeSpan.FromSeconds(2)));
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
        }

        await AssertNextIncrementalCompletesAsync(temp, ours);
    }

    [Fact]
    public async Task BackupAsync_Cancelled_NextIncrementalCompletes()
    {
        using var temp = new TempDirectory("keepsake-device");
        var ours = Path.Combine(temp.Path, "ours");
        await FullBackupThenChangeAsync(temp, ours);
        await using (var session = await SimulatorSession.StartAsync(new SimulatorFaults { BytesPerSecond = 100_000 }, reuse: temp))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => HostSide.BackupAsync(session, ours, full: false, cancellationToken: cts.Token));
        }

        await AssertNextIncrementalCompletesAsync(temp, ours);
    }

    [Fact]
    public async Task BackupAsync_HostDiskTooSmall_NothingWrittenAndNextIncrementalCompletes()
    {
        using var temp = new TempDirectory("keepsake-device");
        var ours = Path.Combine(temp.Path, "ours");
        await FullBackupThenChangeAsync(temp, ours);
        var before = Snapshot(ours);
        await using (var session = await SimulatorSession.StartAsync(reuse: temp))
        {
            var ex = await Assert.ThrowsAsync<MobileBackup2Exception>(() => HostSide.BackupAsync(session, ours, full: false, fileSystem: new TinyDiskFileSystem(new LocalDeviceLinkFileSystem(ours))));
            Assert.Equal(105, ex.ErrorCode);
        }

        Assert.Equal(before, Snapshot(ours));
        await AssertNextIncrementalCompletesAsync(temp, ours);
    }

    /// <summary>A healthy full backup, then a 600 kB change on the phone for the next run to transfer.</summary>
    private static async Task FullBackupThenChangeAsync(TempDirectory temp, string ours)
    {
        await using (var first = await SimulatorSession.StartAsync(reuse: temp))
        {
            await HostSide.BackupAsync(first, ours, full: true);
        }

        DebianToolsTests.BuiltIn(Path.Combine(temp.Path, "phone"), "HomeDomain", "Library/Big.bin", [.. Enumerable.Range(0, 600_000).Select(i => (byte)(i * 31))]);
        File.WriteAllText(Path.Combine(temp.Path, "phone", "HomeDomain", "Library", "Notes", "notes.txt"), "Buy milk and bread\n");
    }

    private static async Task AssertNextIncrementalCompletesAsync(TempDirectory temp, string ours)
    {
        await using var healthy = await SimulatorSession.StartAsync(reuse: temp);
        await HostSide.BackupAsync(healthy, ours, full: false);
        DebianToolsTests.AssertBackupMatchesPhone(Path.Combine(ours, healthy.Host.Udid), healthy.PhoneFolder, null);
        Assert.False(Directory.Exists(Path.Combine(ours, healthy.Host.Udid, "Snapshot")));
    }

    private static Dictionary<string, string> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(
            p => Path.GetRelativePath(root, p),
            p => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p))));

    [Fact]
    public async Task BackupAsync_SlowLink_CompletesWithSameBytes()
    {
        await using var session = await SimulatorSession.StartAsync(new SimulatorFaults { BytesPerSecond = 400_000 });
        var ours = Path.Combine(session.Root, "ours");
        var started = DateTime.UtcNow;
        await HostSide.BackupAsync(session, ours, full: true, idleTimeout: TimeSpan.FromSeconds(5));
        Assert.True(DateTime.UtcNow - started > TimeSpan.FromSeconds(0.4), "the link was not throttled");
        DebianToolsTests.AssertBackupMatchesPhone(Path.Combine(ours, session.Host.Udid), session.PhoneFolder, null);
    }

    [Fact]
    public async Task BackupAsync_HostWriteFails_ThrowsAndNextIncrementalCompletes()
    {
        await using var session = await SimulatorSession.StartAsync();
        var ours = Path.Combine(session.Root, "ours");
        var failing = new FullDiskFileSystem(new LocalDeviceLinkFileSystem(ours), failAfterBytes: 100_000);
        var ex = await Assert.ThrowsAsync<MobileBackup2Exception>(() => HostSide.BackupAsync(session, ours, full: true, fileSystem: failing));
        Assert.Equal(104, ex.ErrorCode);
        Assert.Contains("-15", ex.Message, StringComparison.Ordinal);
        var sizes = Directory.EnumerateFiles(session.PhoneFolder, "*", SearchOption.AllDirectories).ToDictionary(
            p => Keepsake.BackupFormat.BackupFileId.Compute(Path.GetRelativePath(session.PhoneFolder, p).Split('/')[0], string.Join('/', Path.GetRelativePath(session.PhoneFolder, p).Split('/')[1..])),
            p => new FileInfo(p).Length);
        foreach (var file in Directory.EnumerateFiles(ours, "*", SearchOption.AllDirectories).Where(f => sizes.ContainsKey(Path.GetFileName(f))))
        {
            Assert.Equal(sizes[Path.GetFileName(file)], new FileInfo(file).Length); // no half-written blob is left
        }


        await HostSide.BackupAsync(session, ours, full: false);
        DebianToolsTests.AssertBackupMatchesPhone(Path.Combine(ours, session.Host.Udid), session.PhoneFolder, null);
    }

    [Fact]
    public async Task RestoreAsync_Backup_RestoresPhoneFolder()
    {
        await using var session = await SimulatorSession.StartAsync();
        var ours = Path.Combine(session.Root, "ours");
        await HostSide.BackupAsync(session, ours, full: true);
        var notes = Path.Combine(session.PhoneFolder, "HomeDomain", "Library", "Notes", "notes.txt");
        File.WriteAllText(notes, "changed\n");
        var extra = Path.Combine(session.PhoneFolder, "HomeDomain", "Extra.txt");
        File.WriteAllText(extra, "extra\n");

        await HostSide.RestoreAsync(session, ours, new MobileBackup2RestoreOptions { RestoreSystemFiles = true, RemoveItemsNotRestored = true, Reboot = false });

        Assert.Equal("Buy milk\n", File.ReadAllText(notes));
        Assert.False(File.Exists(extra));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RestoreAsync_Applications_WrittenForThePhoneUnlessSkipApps(bool skipApps)
    {
        await using var session = await SimulatorSession.StartAsync();
        var ours = Path.Combine(session.Root, "ours");
        await HostSide.BackupAsync(session, ours, full: true);
        var applications = new Keepsake.Plist.PlistDictionary
        {
            ["com.example.app"] = new Keepsake.Plist.PlistDictionary { ["CFBundleIdentifier"] = "com.example.app" },
            ["net.whatsapp.WhatsApp"] = new Keepsake.Plist.PlistDictionary { ["CFBundleIdentifier"] = "net.whatsapp.WhatsApp" },
        };

        await HostSide.RestoreAsync(session, ours, new MobileBackup2RestoreOptions { Applications = applications, SkipApps = skipApps, Reboot = false });

        Assert.Equal(skipApps ? [] : ["com.example.app", "net.whatsapp.WhatsApp"], session.Host.LastRestoreApplications);
    }

    [Fact]
    public async Task RestoreAsync_PhoneFull_ThrowsMobileBackup2ExceptionAndLeavesPhoneUntouched()
    {
        using var temp = new TempDirectory("keepsake-device");
        var ours = Path.Combine(temp.Path, "ours");
        await using (var first = await SimulatorSession.StartAsync(reuse: temp))
        {
            await HostSide.BackupAsync(first, ours, full: true);
            await first.Host.StopAsync();
        }

        await using var full = await SimulatorSession.StartAsync(new SimulatorFaults { PhoneFreeBytes = 1000 }, reuse: temp);
        var notes = Path.Combine(full.PhoneFolder, "HomeDomain", "Library", "Notes", "notes.txt");
        File.WriteAllText(notes, "changed\n");
        var ex = await Assert.ThrowsAsync<MobileBackup2Exception>(() => HostSide.RestoreAsync(full, ours, new MobileBackup2RestoreOptions { RestoreSystemFiles = true }));
        Assert.Contains("free space on the iPhone", ex.Message, StringComparison.Ordinal);
        Assert.Equal("changed\n", File.ReadAllText(notes));
    }

    [Fact]
    public async Task RestoreAsync_EncryptedWithPassword_Restores()
    {
        await using var session = await SimulatorSession.StartAsync();
        var ours = Path.Combine(session.Root, "ours");
        var connector = await HostSide.ConnectorAsync(session);
        await using (var lockdown = await LockdownClient.ConnectWithSessionAsync(connector))
        await using (var client = await MobileBackup2Client.StartAsync(lockdown))
        {
            using var password = Secret.FromString("pw1");
            await client.ChangePasswordAsync(new LocalDeviceLinkFileSystem(ours), null, password);
        }

        await HostSide.BackupAsync(session, ours, full: true);
        DebianToolsTests.AssertBackupMatchesPhone(Path.Combine(ours, session.Host.Udid), session.PhoneFolder, "pw1");
        File.WriteAllText(Path.Combine(session.PhoneFolder, "HomeDomain", "Library", "Notes", "notes.txt"), "changed\n");
        using var secret = Secret.FromString("pw1");
        await HostSide.RestoreAsync(session, ours, new MobileBackup2RestoreOptions { Password = secret, Reboot = false });
        Assert.Equal("Buy milk\n", File.ReadAllText(Path.Combine(session.PhoneFolder, "HomeDomain", "Library", "Notes", "notes.txt")));
    }
}
