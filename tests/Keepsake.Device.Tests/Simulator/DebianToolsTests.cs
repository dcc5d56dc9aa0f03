using Keepsake.BackupFormat;
using Keepsake.Primitives;
using Keepsake.TestKit;

namespace Keepsake.Device.Tests.Simulator;

/// <summary>The judge of the simulator: Debian's libimobiledevice-utils 1.3.0 against it.</summary>
public sealed class DebianToolsTests
{
    [ToolFact("idevice_id")]
    public async Task IdeviceId_List_PrintsSimulatedUdid()
    {
        await using var session = await SimulatorSession.StartAsync();
        var result = session.Run("idevice_id", "-l").EnsureSuccess("idevice_id -l");
        Assert.Contains(session.Host.Udid, result.StandardOutput, StringComparison.Ordinal);
    }

    [ToolFact("idevice_id")]
    public async Task IdeviceIdAndIdeviceinfo_NetworkRecord_ListAndReachThePhoneOverWifi()
    {
        var address = new System.Net.IPAddress([127, 0, (byte)Random.Shared.Next(1, 250), (byte)Random.Shared.Next(2, 250)]);
        await using var session = await SimulatorSession.StartAsync(networkAddress: address, listNetworkDevice: true);
        session.Run("idevicepair", "pair").EnsureSuccess("idevicepair pair (over the cable)");
        await session.Host.DetachAsync();

        // As with Apple's usbmuxd: the Wi-Fi record alone; libimobiledevice connects straight to its address.
        Assert.DoesNotContain(session.Host.Udid, session.Run("idevice_id", "-l").EnsureSuccess("idevice_id -l").StandardOutput, StringComparison.Ordinal);
        Assert.Contains(session.Host.Udid, session.Run("idevice_id", "-n").EnsureSuccess("idevice_id -n").StandardOutput, StringComparison.Ordinal);
        var info = session.Run("ideviceinfo", "-n", "-u", session.Host.Udid, "-k", "UniqueDeviceID").EnsureSuccess("ideviceinfo -n");
        Assert.Equal(session.Host.Udid, info.StandardOutput.Trim());
    }

    [ToolFact("ideviceinfo")]
    public async Task Ideviceinfo_Default_PrintsDeviceValues()
    {
        await using var session = await SimulatorSession.StartAsync();
        var result = session.Run("ideviceinfo").EnsureSuccess("ideviceinfo");
        Assert.Contains("ProductType: iPhone12,1", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("ProductVersion: 17.0", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"UniqueDeviceID: {session.Host.Udid}", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("DeviceName: Keepsake Test iPhone", result.StandardOutput, StringComparison.Ordinal);
    }

    [ToolFact("ideviceinfo")]
    public async Task Ideviceinfo_TcpUsbmuxd_PrintsDeviceValues()
    {
        using var temp = new TempDirectory("keepsake-device");
        Keepsake.Device.Simulator.Phone.BuiltInPhone.Generate(temp.Combine("phone"));
        await using var host = await Keepsake.Device.Simulator.SimulatorHost.StartAsync(new Keepsake.Device.Simulator.SimulatorOptions
        {
            ListenAddress = "127.0.0.1:0",
            PhoneFolder = temp.Combine("phone"),
            StateFolder = temp.Combine("state"),
        });
        var result = ExternalTool.Run("ideviceinfo", ["-k", "UniqueDeviceID"], TimeSpan.FromSeconds(60), new Dictionary<string, string> { ["USBMUXD_SOCKET_ADDRESS"] = host.UsbmuxdSocketAddress })
            .EnsureSuccess("ideviceinfo over TCP usbmuxd");
        Assert.Equal(host.Udid, result.StandardOutput.Trim());
    }

    [ToolFact("idevicepair")]
    public async Task Idevicepair_PairThenValidate_Succeed()
    {
        await using var session = await SimulatorSession.StartAsync();
        var pair = session.Run("idevicepair", "pair").EnsureSuccess("idevicepair pair");
        Assert.Contains("SUCCESS: Paired with device", pair.StandardOutput, StringComparison.Ordinal);
        var validate = session.Run("idevicepair", "validate").EnsureSuccess("idevicepair validate");
        Assert.Contains("SUCCESS: Validated pairing with device", validate.StandardOutput, StringComparison.Ordinal);
    }

    [ToolFact("idevicepair")]
    public async Task Idevicepair_AfterSimulatorRestart_StillValidates()
    {
        using var temp = new TempDirectory("keepsake-device");
        var first = await SimulatorSession.StartAsync(reuse: temp);
        first.Run("idevicepair", "pair").EnsureSuccess("idevicepair pair");
        await first.Host.StopAsync();
        await using var second = await SimulatorSession.StartAsync(reuse: temp);
        var validate = second.Run("idevicepair", "validate").EnsureSuccess("idevicepair validate after restart");
        Assert.Contains("SUCCESS", validate.StandardOutput, StringComparison.Ordinal);
    }

    [ToolFact("idevicepair")]
    public async Task Idevicepair_KeepsakePairing_IsUsableByDebianTools()
    {
        await using var session = await SimulatorSession.StartAsync();
        await using (await Keepsake.Device.Lockdown.LockdownClient.ConnectWithSessionAsync(await HostSide.ConnectorAsync(session)))
        {
        }

        // libimobiledevice reads the record Keepsake saved through usbmuxd and opens a TLS session with it.
        var validate = session.Run("idevicepair", "validate").EnsureSuccess("idevicepair validate with Keepsake's pair record");
        Assert.Contains("SUCCESS", validate.StandardOutput, StringComparison.Ordinal);
        session.Run("ideviceinfo", "-k", "ProductVersion").EnsureSuccess("ideviceinfo with Keepsake's pair record");
    }

    [ToolFact("idevicepair")]
    public async Task Idevicepair_Unpair_ThenValidateFails()
    {
        await using var session = await SimulatorSession.StartAsync();
        session.Run("idevicepair", "pair").EnsureSuccess("idevicepair pair");
        session.Run("idevicepair", "unpair").EnsureSuccess("idevicepair unpair");
        Assert.Null(await new Keepsake.Device.Usbmux.UsbmuxClient(session.Host.EndPoint).ReadPairRecordAsync(session.Host.Udid));
    }

    [ToolFact("idevicepair")]
    public async Task Idevicepair_UserDenies_Fails()
    {
        await using var session = await SimulatorSession.StartAsync(new Keepsake.Device.Simulator.SimulatorFaults { UserDeniesPairing = true });
        var pair = session.Run("idevicepair", "pair");
        Assert.NotEqual(0, pair.ExitCode);
        Assert.Contains("denied", pair.StandardOutput + pair.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [ToolFact("idevicebackup2")]
    public async Task Idevicebackup2_FullBackup_ReaderSeesPhoneFilesByteIdentical()
    {
        await using var session = await SimulatorSession.StartAsync();
        var target = session.BackupTarget();
        var result = session.Run("idevicebackup2", "backup", "--full", target).EnsureSuccess("idevicebackup2 backup --full");
        Assert.Contains("Backup Successful", result.StandardOutput, StringComparison.Ordinal);
        AssertBackupMatchesPhone(Path.Combine(target, session.Host.Udid), session.PhoneFolder, null);
    }

    [ToolFact("idevicebackup2")]
    public async Task Idevicebackup2_BuiltInPhone_BackupHoldsSmsDb()
    {
        await using var session = await SimulatorSession.StartAsync(fillPhone: Keepsake.Device.Simulator.Phone.BuiltInPhone.Generate);
        var target = session.BackupTarget();
        session.Run("idevicebackup2", "backup", "--full", target).EnsureSuccess("idevicebackup2 backup --full");
        AssertBackupMatchesPhone(Path.Combine(target, session.Host.Udid), session.PhoneFolder, null);
        using var backup = BackupFolder.Open(Path.Combine(target, session.Host.Udid));
        Assert.NotNull(backup.FindEntry("HomeDomain", "Library/SMS/sms.db"));
    }

    [ToolFact("idevicebackup2")]
    public async Task Idevicebackup2_Incremental_SendsOnlyChangedFiles()
    {
        await using var session = await SimulatorSession.StartAsync();
        var target = session.BackupTarget();
        var full = session.Run("idevicebackup2", "backup", "--full", target).EnsureSuccess("idevicebackup2 backup --full");
        var folder = Path.Combine(target, session.Host.Udid);
        var unchanged = Services.MobileBackup2.MobileBackup2ClientTests.BlobPath(folder, "HomeDomain", "Library/SMS/sms.db");
        var marker = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(unchanged, marker);
        File.WriteAllText(Path.Combine(session.PhoneFolder, "HomeDomain", "Library", "Notes", "notes.txt"), "Buy milk and eggs\n");
        BuiltIn(session.PhoneFolder, "HomeDomain", "Library/New.txt", "new file"u8.ToArray());
        File.Delete(Path.Combine(session.PhoneFolder, "AppDomain-com.example.app", "Documents", "a.txt"));

        var result = session.Run("idevicebackup2", "backup", target).EnsureSuccess("idevicebackup2 backup (incremental)");
        Assert.Contains("Incremental backup mode", result.StandardOutput, StringComparison.Ordinal);

        // The full run received 5 phone files + Manifest.db, Manifest.plist and Status.plist twice;
        // the incremental one only the 2 changed phone files + the same 4 bookkeeping files.
        Assert.Equal(9, ReceivedCount(full.StandardOutput));
        Assert.Equal(6, ReceivedCount(result.StandardOutput));
        Assert.Equal(marker, File.GetLastWriteTimeUtc(unchanged));
        Assert.False(File.Exists(Services.MobileBackup2.MobileBackup2ClientTests.BlobPath(folder, "AppDomain-com.example.app", "Documents/a.txt")));
        AssertBackupMatchesPhone(Path.Combine(target, session.Host.Udid), session.PhoneFolder, null);
    }

    [ToolFact("idevicebackup2")]
    public async Task Idevicebackup2_EncryptionOn_BackupDecryptsWithPassword()
    {
        await using var session = await SimulatorSession.StartAsync();
        var target = session.BackupTarget();
        var on = session.Run("idevicebackup2", "encryption", "on", "s3cret-pw", target).EnsureSuccess("idevicebackup2 encryption on");
        Assert.Contains("enabled successfully", on.StandardOutput, StringComparison.Ordinal);
        session.Run("idevicebackup2", "backup", "--full", target).EnsureSuccess("idevicebackup2 backup (encrypted)");
        AssertBackupMatchesPhone(Path.Combine(target, session.Host.Udid), session.PhoneFolder, "s3cret-pw");
    }

    [ToolFact("idevicebackup2")]
    public async Task Idevicebackup2_EncryptedIncremental_SendsOnlyChangedFilesAndDecrypts()
    {
        await using var session = await SimulatorSession.StartAsync();
        var target = session.BackupTarget();
        session.Run("idevicebackup2", "encryption", "on", "s3cret-pw", target).EnsureSuccess("idevicebackup2 encryption on");
        var full = session.Run("idevicebackup2", "backup", "--full", target).EnsureSuccess("idevicebackup2 backup --full (encrypted)");
        var folder = Path.Combine(target, session.Host.Udid);
        var unchanged = Services.MobileBackup2.MobileBackup2ClientTests.BlobPath(folder, "HomeDomain", "Library/SMS/sms.db");
        var unchangedBytes = File.ReadAllBytes(unchanged);
        var marker = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(unchanged, marker);
        File.WriteAllText(Path.Combine(session.PhoneFolder, "HomeDomain", "Library", "Notes", "notes.txt"), "Buy milk and eggs\n");
        File.Delete(Path.Combine(session.PhoneFolder, "AppDomain-com.example.app", "Documents", "a.txt"));

        var result = session.Run("idevicebackup2", "backup", target).EnsureSuccess("idevicebackup2 backup (encrypted, incremental)");

        // As from a real iPhone: the device keeps its backup keybag and an unchanged file its key, so only the changed
        // file and the 4 bookkeeping files travel, and the blob left in place still decrypts under the new Manifest.
        Assert.Contains("Incremental backup mode", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(9, ReceivedCount(full.StandardOutput));
        Assert.Equal(5, ReceivedCount(result.StandardOutput));
        Assert.Equal(marker, File.GetLastWriteTimeUtc(unchanged));
        Assert.Equal(unchangedBytes, File.ReadAllBytes(unchanged));
        AssertBackupMatchesPhone(folder, session.PhoneFolder, "s3cret-pw");
    }

    [ToolFact("idevicebackup2")]
    public async Task Idevicebackup2_Backup_InfoPlistListsThePhonesAppsFromInstallationProxy()
    {
        await using var session = await SimulatorSession.StartAsync();
        var target = session.BackupTarget();
        session.Run("idevicebackup2", "backup", "--full", target).EnsureSuccess("idevicebackup2 backup --full");

        // libimobiledevice's installation_proxy and springboardservices clients read the simulated phone's apps.
        var info = Keepsake.Plist.PlistReader.ReadFile(Path.Combine(target, session.Host.Udid, "Info.plist")).AsDictionary();
        Assert.Equal(["com.example.app"], info.GetArray("Installed Applications")!.OfType<Keepsake.Plist.PlistString>().Select(s => s.Value));
        var app = info.GetDictionary("Applications")!.GetDictionary("com.example.app")!;
        Assert.NotEmpty(app.GetData("ApplicationSINF")!);
        Assert.Equal("com.example.app", Keepsake.Plist.PlistReader.Read(app.GetData("iTunesMetadata")!).AsDictionary().GetString("softwareVersionBundleId"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], app.GetData("PlaceholderIcon")![..4]);
    }

    [ToolFact("idevicebackup2")]
    public async Task Idevicebackup2_Restore_ChangesPhoneFolder()
    {
        await using var session = await SimulatorSession.StartAsync();
        var target = session.BackupTarget();
        session.Run("idevicebackup2", "backup", "--full", target).EnsureSuccess("idevicebackup2 backup --full");
        var notes = Path.Combine(session.PhoneFolder, "HomeDomain", "Library", "Notes", "notes.txt");
        File.WriteAllText(notes, "changed after the backup\n");
        var extra = Path.Combine(session.PhoneFolder, "HomeDomain", "Library", "Extra.txt");
        File.WriteAllText(extra, "not in the backup\n");

        var result = session.Run("idevicebackup2", "restore", "--system", "--settings", "--remove", "--no-reboot", target).EnsureSuccess("idevicebackup2 restore");
        Assert.Contains("Restore Successful", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("Buy milk\n", File.ReadAllText(notes));
        Assert.False(File.Exists(extra));
    }

    [ToolFact("idevicebackup2")]
    public async Task Idevicebackup2_Restore_LeavesInfoPlistAppsForThePhoneUnlessSkipApps()
    {
        await using var session = await SimulatorSession.StartAsync();
        var target = session.BackupTarget();
        session.Run("idevicebackup2", "backup", "--full", target).EnsureSuccess("idevicebackup2 backup --full");
        var infoPath = Path.Combine(target, session.Host.Udid, "Info.plist");
        var info = Keepsake.Plist.PlistReader.ReadFile(infoPath).AsDictionary();
        info["Applications"] = new Keepsake.Plist.PlistDictionary
        {
            ["com.example.app"] = new Keepsake.Plist.PlistDictionary { ["CFBundleIdentifier"] = "com.example.app" },
        };
        File.WriteAllBytes(infoPath, Keepsake.Plist.PlistWriter.ToXml(info));

        // The simulated phone's AFC keeps what idevicebackup2 leaves in /iTunesRestore, as Keepsake's host does.
        session.Run("idevicebackup2", "restore", "--no-reboot", target).EnsureSuccess("idevicebackup2 restore");
        Assert.Equal(["com.example.app"], session.Host.LastRestoreApplications);
        session.Run("idevicebackup2", "restore", "--no-reboot", "--skip-apps", target).EnsureSuccess("idevicebackup2 restore --skip-apps");
        Assert.Empty(session.Host.LastRestoreApplications);
    }

    [ToolFact("idevicebackup2")]
    public async Task Idevicebackup2_List_PrintsBackupFiles()
    {
        await using var session = await SimulatorSession.StartAsync();
        var target = session.BackupTarget();
        session.Run("idevicebackup2", "backup", "--full", target).EnsureSuccess("idevicebackup2 backup --full");
        var list = session.Run("idevicebackup2", "list", target).EnsureSuccess("idevicebackup2 list");
        Assert.Contains("HomeDomain,Library/SMS/sms.db,", list.StandardOutput, StringComparison.Ordinal);
    }

    [ToolFact("idevicebackup2")]
    public async Task Idevicebackup2_EncryptionOff_NextBackupIsPlain()
    {
        await using var session = await SimulatorSession.StartAsync();
        var target = session.BackupTarget();
        session.Run("idevicebackup2", "encryption", "on", "pw", target).EnsureSuccess("idevicebackup2 encryption on");
        var off = session.Run("idevicebackup2", "encryption", "off", "pw", target).EnsureSuccess("idevicebackup2 encryption off");
        Assert.Contains("disabled successfully", off.StandardOutput, StringComparison.Ordinal);
        session.Run("idevicebackup2", "backup", "--full", target).EnsureSuccess("idevicebackup2 backup");
        AssertBackupMatchesPhone(Path.Combine(target, session.Host.Udid), session.PhoneFolder, null);
    }

    [ToolFact("idevicebackup2")]
    public async Task Idevicebackup2_PhoneLocked_FailsWithoutHanging()
    {
        await using var session = await SimulatorSession.StartAsync(new Keepsake.Device.Simulator.SimulatorFaults { PasscodeLocked = true });
        var target = session.BackupTarget();
        var result = session.Run("idevicebackup2", "backup", "--full", target);
        Assert.NotEqual(0, result.ExitCode);
    }

    private static int ReceivedCount(string output)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, @"Received (\d+) files from device");
        Assert.True(match.Success, output);
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static void BuiltIn(string phone, string domain, string relativePath, byte[] content) =>
        Keepsake.Device.Simulator.Phone.BuiltInPhone.Write(phone, domain, relativePath, content);

    /// <summary>Every phone file is in the backup with the same bytes, and nothing else is.</summary>
    internal static void AssertBackupMatchesPhone(string backupFolder, string phoneFolder, string? password)
    {
        using var secret = password is null ? null : Secret.FromString(password);
        using var backup = BackupFolder.Open(backupFolder, secret);
        Assert.Equal(password is not null, backup.IsEncrypted);
        var entries = backup.Entries().Where(e => e.Kind == BackupEntryKind.File).ToDictionary(e => e.Domain + "/" + e.RelativePath);
        var phoneFiles = Directory.EnumerateFiles(phoneFolder, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(phoneFolder, p).Replace('\\', '/')).ToList();
        Assert.Equal(phoneFiles.Order(StringComparer.Ordinal), entries.Keys.Order(StringComparer.Ordinal));
        foreach (var relative in phoneFiles)
        {
            using var stream = backup.OpenRead(entries[relative]);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.True(File.ReadAllBytes(Path.Combine(phoneFolder, relative)).AsSpan().SequenceEqual(copy.ToArray()), $"{relative} differs");
        }
    }
}
