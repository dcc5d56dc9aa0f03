using System.Diagnostics;
using System.Text.Json;
using Keepsake.Device.Simulator;
using Keepsake.Device.Simulator.Phone;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// The backup path when things go wrong (a lost connection, a process killed while it stores) and
/// the way back (every snapshot restores exactly; a restored folder goes back to the phone through
/// idevicebackup2), all through the command line against the simulated iPhone.
/// </summary>
public sealed class DeviceRecoveryTests
{
    [Fact]
    public async Task Backup_ConnectionLost_ExitsDeviceErrorSayingWhatToDoAndTheNextRunCompletes()
    {
        await using var phone = await SimulatedPhoneHome.StartAsync(folder =>
        {
            BuiltInPhone.Generate(folder);
            BuiltInPhone.Write(folder, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0100.JPG", Random(3_000_000, 1));
        });
        await phone.RestartAsync(o => Copy(o, faults: new SimulatorFaults { DisconnectAfterBytes = 500_000 }));

        var cut = phone.Run("backup");

        Assert.Equal(21, cut.ExitCode);
        Assert.Contains("the connection to the iPhone", cut.StandardError, StringComparison.Ordinal);
        Assert.Contains("Reconnect the iPhone", cut.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", cut.StandardError, StringComparison.Ordinal);
        Assert.Empty(Snapshots(phone));

        await phone.RestartAsync(o => Copy(o, faults: SimulatorFaults.None));
        phone.Run("backup").EnsureSuccess("the backup after reconnecting");
        Assert.Single(Snapshots(phone));
    }

    [ToolFact("restic")]
    public async Task Backup_KilledAtManyPointsThenResumed_StoresAtMostFivePercentMoreAndLeavesNoPlainCopy()
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        void Fill(string folder)
        {
            BuiltInPhone.Generate(folder);
            for (var i = 0; i < 6; i++)
            {
                var video = Random(12_000_000, 300 + i);
                System.Text.Encoding.UTF8.GetBytes(marker).CopyTo(video, 6_000_000);
                BuiltInPhone.Write(folder, "CameraRollDomain", $"Media/DCIM/100APPLE/IMG_{i:D4}.MOV", video);
            }
        }

        // The same phone backed up once without interruption, for comparison.
        long uninterrupted;
        await using (var control = await SimulatedPhoneHome.StartAsync(Fill))
        {
            control.Run("backup").EnsureSuccess("the uninterrupted backup");
            uninterrupted = VaultSize(control.Vault);
        }

        await using var phone = await SimulatedPhoneHome.StartAsync(Fill);
        var kills = 0;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            // Killed (SIGKILL) once this run has added a pack to the vault.
            var before = Packs(phone);
            if (KillWhileStoring(phone, () => Packs(phone) > before))
            {
                kills++;
                Assert.Empty(Snapshots(phone));
            }
        }

        Assert.True(kills >= 2, $"only {kills} runs were killed before they finished");
        phone.Run("backup").EnsureSuccess("the backup after the kills");

        Assert.Single(Snapshots(phone));
        Restic(phone, "check", "--read-data").EnsureSuccess("restic check after the resumed backup");
        var resumed = VaultSize(phone.Vault);
        Assert.True(resumed <= uninterrupted * 1.05, $"killed {kills} times then resumed: the vault holds {resumed} bytes; one uninterrupted backup {uninterrupted}");

        // No plain copy: no working copy, the killed runs' temporary folders are gone, and no file outside
        // the vault and the simulated phone holds phone content.
        Assert.False(Directory.Exists(Path.Combine(phone.DataFolder, "backups", phone.Simulator.Udid)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(phone.DataFolder, "tmp")));
        var needle = System.Text.Encoding.UTF8.GetBytes(marker);
        foreach (var file in Directory.EnumerateFiles(phone.Home.Path, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(phone.Phone + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !f.StartsWith(phone.Options.StateFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !f.EndsWith(".sock", StringComparison.Ordinal)))
        {
            Assert.True(File.ReadAllBytes(file).AsSpan().IndexOf(needle) < 0, $"{file} holds phone content");
        }
    }

    [ToolFact("restic")]
    public async Task Backup_KilledWhileStoringInTheVault_RecordsNothingVaultStaysSoundNextBackupCompletes()
    {
        await using var phone = await SimulatedPhoneHome.StartAsync(folder =>
        {
            BuiltInPhone.Generate(folder);
            for (var i = 0; i < 12; i++)
            {
                BuiltInPhone.Write(folder, "CameraRollDomain", $"Media/DCIM/100APPLE/IMG_{i:D4}.MOV", Random(25_000_000, 100 + i));
            }
        });
        var packsBefore = 0;

        // Run 'keepsake backup' and SIGKILL it once the vault has begun writing packs for this snapshot.
        var killedWhileStoring = KillWhileStoring(phone, () => Directory.Exists(Path.Combine(phone.Vault, "data"))
            && Directory.EnumerateFiles(Path.Combine(phone.Vault, "data"), "*", SearchOption.AllDirectories).Count() > packsBefore);

        Assert.True(killedWhileStoring, "the backup was killed after it began storing and before it finished");
        Assert.Empty(Snapshots(phone));
        Restic(phone, "check").EnsureSuccess("restic check after the kill");

        var next = phone.Run("backup").EnsureSuccess("the backup after the kill");
        Assert.Contains("saved for", next.StandardOutput, StringComparison.Ordinal);
        Assert.Single(Snapshots(phone));
        Restic(phone, "check", "--read-data").EnsureSuccess("restic check after the next backup");
    }

    [Fact]
    public async Task Restore_TwoSnapshotsAfterAChange_EachGivesBackThePhoneOfItsTimeExactly()
    {
        await using var phone = await SimulatedPhoneHome.StartAsync(folder =>
        {
            BuiltInPhone.Generate(folder);
            BuiltInPhone.Write(folder, "HomeDomain", "Library/Notes/notes.txt", "first\n"u8.ToArray());
        });
        phone.Run("backup").EnsureSuccess("first backup");
        var firstPhone = phone.Home.CopyFrom(phone.Phone, "phone-1");
        BuiltInPhone.Write(phone.Phone, "HomeDomain", "Library/Notes/notes.txt", "second, longer\n"u8.ToArray());
        BuiltInPhone.Write(phone.Phone, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0042.PNG", Random(70_000, 42));
        File.Delete(Path.Combine(phone.Phone, "CameraRollDomain", "Media", "DCIM", "100APPLE", "IMG_0001.PNG"));
        phone.Run("backup").EnsureSuccess("second backup");
        var secondPhone = phone.Home.CopyFrom(phone.Phone, "phone-2");

        var snapshots = Snapshots(phone);
        Assert.Equal(2, snapshots.Count);
        var restoredFirst = phone.Home.Combine("restored-1");
        var restoredSecond = phone.Home.Combine("restored-2");
        phone.Run("restore", snapshots[0].GetProperty("id").GetString()!, "--to-folder", restoredFirst).EnsureSuccess("restore of the first snapshot");
        phone.Run("restore", snapshots[1].GetProperty("id").GetString()!, "--to-folder", restoredSecond).EnsureSuccess("restore of the second snapshot");

        AssertBackupHoldsPhone(firstPhone, Path.Combine(restoredFirst, phone.Simulator.Udid));
        AssertBackupHoldsPhone(secondPhone, Path.Combine(restoredSecond, phone.Simulator.Udid));
        Assert.NotEqual(Tree(firstPhone), Tree(secondPhone));
    }

    [Fact]
    public async Task Backup_WithMirror_PlainCopyEqualsEachSnapshotAndUnchangedFilesAreNotWrittenAgain()
    {
        await using var phone = await SimulatedPhoneHome.StartAsync(folder =>
        {
            BuiltInPhone.Generate(folder);
            BuiltInPhone.Write(folder, "HomeDomain", "Library/Notes/notes.txt", "first\n"u8.ToArray());
        });
        var mirror = phone.Home.Combine("mirror");
        var first = phone.Run("backup", "--mirror", mirror).EnsureSuccess("backup --mirror");
        var copy = Path.Combine(mirror, phone.Simulator.Udid);
        AssertBackupHoldsPhone(phone.Phone, copy);
        Assert.Contains("plain copy (--mirror) now equals snapshot", first.StandardOutput, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(copy));
        }

        BuiltInPhone.Write(phone.Phone, "HomeDomain", "Library/Notes/notes.txt", "second, longer\n"u8.ToArray());
        File.Delete(Path.Combine(phone.Phone, "CameraRollDomain", "Media", "DCIM", "100APPLE", "IMG_0001.PNG"));
        var second = phone.Run("backup", "--mirror", mirror).EnsureSuccess("second backup --mirror");

        AssertBackupHoldsPhone(phone.Phone, copy);
        var latest = Snapshots(phone)[^1].GetProperty("id").GetString()!;
        Assert.Equal(latest, File.ReadAllText(Path.Combine(mirror, "." + phone.Simulator.Udid + ".keepsake-mirror")).Trim());
        Assert.Equal(["." + phone.Simulator.Udid + ".keepsake-mirror", phone.Simulator.Udid], Directory.EnumerateFileSystemEntries(mirror).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray());

        // Only the changed note and the files every run rewrites (Manifest.db, Manifest.plist, Status.plist, Info.plist) come from the vault again.
        var counts = System.Text.RegularExpressions.Regex.Match(second.StandardOutput, @"\((\d+) files unchanged, (\d+) written\)");
        Assert.True(counts.Success, second.StandardOutput);
        Assert.True(int.Parse(counts.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 7, second.StandardOutput);
        Assert.InRange(int.Parse(counts.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 1, 5);
    }

    [ToolFact("idevicebackup2", "idevicepair")]
    public async Task RestoreToFolder_ThenIdevicebackup2Restore_PhoneGetsTheSnapshotBack() => await RestoreThroughIdevicebackup2Async(encrypted: false);

    [ToolFact("idevicebackup2", "idevicepair")]
    public async Task RestoreToFolder_EncryptedThenIdevicebackup2RestoreWithPassword_PhoneGetsTheSnapshotBack() => await RestoreThroughIdevicebackup2Async(encrypted: true);

    private static async Task RestoreThroughIdevicebackup2Async(bool encrypted)
    {
        await using var phone = await SimulatedPhoneHome.StartAsync(folder =>
        {
            BuiltInPhone.Generate(folder);
            BuiltInPhone.Write(folder, "HomeDomain", "Library/Notes/notes.txt", "in the snapshot\n"u8.ToArray());
        });
        var password = new Dictionary<string, string> { ["KEEPSAKE_BACKUP_PASSWORD"] = "restore-pw" };
        if (encrypted)
        {
            phone.Run(password, "encryption", "on").EnsureSuccess("encryption on");
        }

        phone.Run("backup").EnsureSuccess("keepsake backup");
        var notes = Path.Combine(phone.Phone, "HomeDomain", "Library", "Notes", "notes.txt");
        File.WriteAllText(notes, "changed on the phone\n");
        var destination = phone.Home.Combine("handed-back");
        phone.Run("restore", "latest", "--to-folder", destination).EnsureSuccess("keepsake restore --to-folder");
        Assert.Equal(encrypted, IsEncrypted(Path.Combine(destination, phone.Simulator.Udid)));

        var env = new Dictionary<string, string> { ["USBMUXD_SOCKET_ADDRESS"] = phone.Simulator.UsbmuxdSocketAddress };
        ExternalTool.Run("idevicepair", ["pair"], TimeSpan.FromMinutes(1), env).EnsureSuccess("idevicepair pair");
        string[] arguments = encrypted
            ? ["restore", "--system", "--no-reboot", "--password", "restore-pw", destination]
            : ["restore", "--system", "--no-reboot", destination];
        var restore = ExternalTool.Run("idevicebackup2", arguments, TimeSpan.FromMinutes(3), env).EnsureSuccess("idevicebackup2 restore of the folder keepsake wrote");

        Assert.Contains("Restore Successful", restore.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("in the snapshot\n", File.ReadAllText(notes));
    }

    private static bool IsEncrypted(string backup) =>
        Keepsake.BackupFormat.BackupFolder.ReadProperties(backup).IsEncrypted;

    /// <summary>Starts 'keepsake backup', waits for the phone to send (files go into the vault as they arrive) and <paramref name="storing"/>, then kills it (SIGKILL).</summary>
    private static bool KillWhileStoring(SimulatedPhoneHome phone, Func<bool> storing)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "keepsake.dll"));
        psi.ArgumentList.Add("backup");
        foreach (var (key, value) in phone.Env)
        {
            psi.Environment[key] = value;
        }

        psi.Environment["KEEPSAKE_BACKUP_PASSWORD"] = string.Empty;
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var storingStarted = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("Receiving from the iPhone", StringComparison.Ordinal) == true)
            {
                storingStarted.Set();
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (!storingStarted.Wait(TimeSpan.FromMinutes(3)))
            {
                return false;
            }

            var deadline = Stopwatch.StartNew();
            while (!storing() && !process.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(5);
            }

            if (process.HasExited)
            {
                return false;
            }

            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return true;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static SimulatorOptions Copy(SimulatorOptions o, SimulatorFaults faults) => new()
    {
        ListenAddress = o.ListenAddress,
        StateFolder = o.StateFolder,
        PhoneFolder = o.PhoneFolder,
        Faults = faults,
    };

    private static List<JsonElement> Snapshots(SimulatedPhoneHome phone) =>
        JsonDocument.Parse(phone.Run("snapshots", "--json").EnsureSuccess("keepsake snapshots").StandardOutput).RootElement.EnumerateArray().ToList();

    private static ToolResult Restic(SimulatedPhoneHome phone, params string[] args) =>
        ExternalTool.Run("restic", ["--no-cache", "--no-lock", "-r", phone.Vault, .. args], TimeSpan.FromMinutes(5),
            new Dictionary<string, string> { ["RESTIC_PASSWORD"] = SimulatedPhoneHome.VaultPassword });

    /// <summary>The restored backup folder holds exactly the phone's files (<c>Domain/relative path</c>), byte for byte.</summary>
    private static void AssertBackupHoldsPhone(string phoneCopy, string backup)
    {
        using var source = Keepsake.BackupFormat.BackupFolder.Open(backup);
        var want = Tree(phoneCopy).Where(kv => kv.Value != "dir").ToDictionary(kv => kv.Key.Replace('\\', '/'), kv => kv.Value, StringComparer.Ordinal);
        var got = source.Entries().Where(e => e.Kind == Keepsake.BackupFormat.BackupEntryKind.File).ToDictionary(
            e => e.Domain + "/" + e.RelativePath,
            e =>
            {
                using var stream = source.OpenRead(e);
                return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream));
            },
            StringComparer.Ordinal);
        Assert.Equal(want.Keys.Order(StringComparer.Ordinal), got.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, hash) in want)
        {
            Assert.True(hash == got[path], $"{path} differs");
        }
    }

    private static int Packs(SimulatedPhoneHome phone) =>
        Directory.Exists(Path.Combine(phone.Vault, "data")) ? Directory.EnumerateFiles(Path.Combine(phone.Vault, "data"), "*", SearchOption.AllDirectories).Count() : 0;

    private static long VaultSize(string vault) =>
        new DirectoryInfo(vault).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => f.Directory?.Name != "locks").Sum(f => f.Length);

    /// <summary>Every file and folder under <paramref name="root"/>: relative path → SHA-256 of the content ("dir" for folders).</summary>
    private static Dictionary<string, string> Tree(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).ToDictionary(
            p => Path.GetRelativePath(root, p),
            p => Directory.Exists(p) ? "dir" : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p))),
            StringComparer.Ordinal);

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
