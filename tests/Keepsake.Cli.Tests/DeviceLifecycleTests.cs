using System.Text.Json;
using Keepsake.Device.Simulator;
using Keepsake.Device.Simulator.Phone;

namespace Keepsake.Cli.Tests;

/// <summary>pair, devices, encryption, and what 'keepsake backup' prints, against the simulated iPhone on its usbmuxd.</summary>
public sealed class DeviceLifecycleTests
{
    [Fact]
    public async Task DevicesAndPair_UnpairedPhone_ListedThenPairedThenShowsTheAgeOfItsBackup()
    {
        await using var phone = await SimulatedPhoneHome.StartAsync();

        var before = Json(phone.Run("devices", "--json").EnsureSuccess("keepsake devices --json"));
        var listed = Assert.Single(before);
        Assert.Equal(phone.Simulator.Udid, listed.GetProperty("udid").GetString());
        Assert.Equal("USB", listed.GetProperty("connection").GetString());
        Assert.False(listed.GetProperty("paired").GetBoolean());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("lastBackup").ValueKind);

        var pair = phone.Run("pair").EnsureSuccess("keepsake pair");
        Assert.Contains($"Paired with {phone.Simulator.Udid}", pair.StandardOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(phone.DataFolder, "pair-records", phone.Simulator.Udid + ".plist")), "a copy of the pair record for Wi-Fi");
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(Path.Combine(phone.DataFolder, "pair-records", phone.Simulator.Udid + ".plist"));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }
        Assert.True(Assert.Single(Json(phone.Run("devices", "--json").EnsureSuccess("devices"))).GetProperty("paired").GetBoolean());

        phone.Run("backup").EnsureSuccess("keepsake backup");
        var table = phone.Run("devices").EnsureSuccess("keepsake devices").StandardOutput;
        Assert.Contains(phone.Simulator.Udid, table, StringComparison.Ordinal);
        Assert.Matches(@"USB\s+yes\s+1 minutes ago", table);
        var after = Assert.Single(Json(phone.Run("devices", "--json").EnsureSuccess("devices")));
        Assert.True(DateTimeOffset.UtcNow - after.GetProperty("lastBackup").GetDateTimeOffset() < TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Devices_NoPhoneAttached_SaysSo()
    {
        await using var phone = await SimulatedPhoneHome.StartAsync();
        await phone.Simulator.DetachAsync();

        var result = phone.Run("devices").EnsureSuccess("keepsake devices");

        Assert.Contains("No iPhone is connected.", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encryption_WrongOldPasswordChangesNothing_ThenChangeAndOffWork()
    {
        await using var phone = await SimulatedPhoneHome.StartAsync();
        var first = new Dictionary<string, string> { ["KEEPSAKE_BACKUP_PASSWORD"] = "first-pw" };
        phone.Run(first, "encryption", "on").EnsureSuccess("encryption on");
        var again = phone.Run(first, "encryption", "on");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already on", again.StandardError, StringComparison.Ordinal);

        // A wrong current password: refused, and the phone still encrypts with the first password.
        var wrong = phone.Run(new Dictionary<string, string> { ["KEEPSAKE_BACKUP_PASSWORD"] = "guess", ["KEEPSAKE_NEW_BACKUP_PASSWORD"] = "second-pw" }, "encryption", "change");
        Assert.Equal(12, wrong.ExitCode);
        Assert.Contains("Nothing was changed", wrong.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("guess", wrong.StandardError + wrong.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("second-pw", wrong.StandardError + wrong.StandardOutput, StringComparison.Ordinal);
        var wrongOff = phone.Run(new Dictionary<string, string> { ["KEEPSAKE_BACKUP_PASSWORD"] = "guess" }, "encryption", "off");
        Assert.Equal(12, wrongOff.ExitCode);
        Assert.Contains("is on", phone.Run("encryption", "status").EnsureSuccess("status").StandardOutput, StringComparison.Ordinal);
        phone.Run("backup").EnsureSuccess("backup after the refused change");
        Assert.Contains("The backup is sound.", phone.Run(first, "verify", "latest").EnsureSuccess("verify with the first password").StandardOutput, StringComparison.Ordinal);

        // change: the next backup opens with the second password only.
        phone.Run(new Dictionary<string, string> { ["KEEPSAKE_BACKUP_PASSWORD"] = "first-pw", ["KEEPSAKE_NEW_BACKUP_PASSWORD"] = "second-pw" }, "encryption", "change").EnsureSuccess("encryption change");
        phone.Run("backup").EnsureSuccess("backup after change");
        var second = new Dictionary<string, string> { ["KEEPSAKE_BACKUP_PASSWORD"] = "second-pw" };
        Assert.Contains("The backup is sound.", phone.Run(second, "verify", "latest").EnsureSuccess("verify with the second password").StandardOutput, StringComparison.Ordinal);
        Assert.Equal(12, phone.Run(first, "verify", "latest").ExitCode);

        // off: the phone stops encrypting, and every backup says what that leaves out.
        phone.Run(second, "encryption", "off").EnsureSuccess("encryption off");
        Assert.Contains("is off", phone.Run("encryption", "status").EnsureSuccess("status").StandardOutput, StringComparison.Ordinal);
        var plain = phone.Run("backup").EnsureSuccess("backup after off");
        Assert.Contains("NOT encrypted", plain.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("warning: This backup is not encrypted", plain.StandardError, StringComparison.Ordinal);
        var offAgain = phone.Run(second, "encryption", "off");
        Assert.Equal(2, offAgain.ExitCode);
    }

    [Fact]
    public async Task Backup_Twice_ProgressLinesThenASummaryWithBytesAddedChangedRemoved()
    {
        await using var phone = await SimulatedPhoneHome.StartAsync(folder =>
        {
            BuiltInPhone.Generate(folder);
            BuiltInPhone.Write(folder, "HomeDomain", "Library/Old/old.bin", new byte[2048]);
        });
        var first = phone.Run("backup").EnsureSuccess("first backup");
        Assert.Contains("first snapshot of this phone", first.StandardOutput, StringComparison.Ordinal);

        BuiltInPhone.Write(phone.Phone, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0009.PNG", new byte[5000]);
        BuiltInPhone.Write(phone.Phone, "HomeDomain", "Library/Preferences/com.apple.Preferences.plist", new byte[1500]);
        File.Delete(Path.Combine(phone.Phone, "HomeDomain", "Library", "Old", "old.bin"));
        var second = phone.Run("backup").EnsureSuccess("second backup");

        var output = second.StandardOutput;
        // Redirected output: plain lines, no bar and no terminal control codes.
        Assert.DoesNotContain('\u001b', output);
        Assert.Contains("Receiving from the iPhone...", output, StringComparison.Ordinal);
        Assert.Matches(@"received \d+ files, [\d.]+ [KMG]?i?B, [\d.]+ [KMG]?i?B/s, done in", output);
        Assert.Matches(@"Storing in the vault: \d+ files", output);
        Assert.Matches(@"stored (\d+)/\1 files", output);
        Assert.Contains("1 files added (4.88 KiB), 1 changed (1.46 KiB), 1 removed (2 KiB)", output, StringComparison.Ordinal);
        Assert.Matches(@"new data stored after deduplication: [\d.]+ [KMG]?i?B; took [\d.]+ s", output);
    }

    [Fact]
    public async Task Backup_MessagesInICloudOn_PrintsANoticeThatTheMessagesAreNotInTheBackup()
    {
        await using var phone = await SimulatedPhoneHome.StartAsync(configure: o => new SimulatorOptions
        {
            ListenAddress = o.ListenAddress,
            StateFolder = o.StateFolder,
            MessagesInICloud = true,
        });

        var result = phone.Run("backup").EnsureSuccess("keepsake backup");

        Assert.Contains("note: Messages in iCloud is on for this phone, and the phone left its messages out of this backup", result.StandardOutput, StringComparison.Ordinal);
        var ls = phone.Run("ls", "latest", "--domain", "HomeDomain", "Library/SMS/").EnsureSuccess("keepsake ls");
        Assert.DoesNotContain("sms.db", ls.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_EncryptedWithMessagesInICloud_ChecksOnlyWithTheBackupPassword()
    {
        await using var phone = await SimulatedPhoneHome.StartAsync(configure: o => new SimulatorOptions
        {
            ListenAddress = o.ListenAddress,
            StateFolder = o.StateFolder,
            MessagesInICloud = true,
        });
        var password = new Dictionary<string, string> { ["KEEPSAKE_BACKUP_PASSWORD"] = "backup-pw" };
        phone.Run(password, "encryption", "on").EnsureSuccess("encryption on");

        var without = phone.Run("backup").EnsureSuccess("backup without the backup password");
        var with = phone.Run(password, "backup").EnsureSuccess("backup with the backup password");

        Assert.Contains("was not checked", without.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("note: Messages in iCloud is on", with.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("backup-pw", with.StandardOutput + with.StandardError, StringComparison.Ordinal);
    }

    private static List<JsonElement> Json(TestKit.ToolResult result) =>
        JsonDocument.Parse(result.StandardOutput).RootElement.EnumerateArray().ToList();
}
