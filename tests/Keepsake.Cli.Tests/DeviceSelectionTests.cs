using System.Text.Json;
using Keepsake.Device.Simulator;
using Keepsake.Device.Simulator.Phone;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// Which phone: with two simulated iPhones on one usbmuxd, a device command without --device is an error that
/// lists both (exit 2); --device takes a UDID or a name (--udid is its alias); a phone that is not there is exit 20
/// naming the ones that are. In a vault of two phones, 'latest' needs --device too. Run through the real process.
/// </summary>
public sealed class DeviceSelectionTests
{
    private const string NameA = "Alice's iPhone";
    private const string NameB = "Bob's iPhone";

    [Fact]
    public async Task DeviceCommands_TwoPhonesAttached_NeedAChoiceAndHonourIt()
    {
        using var home = new TempDirectory("keepsake-home");
        await using var a = await StartPhoneAsync(home, "a", NameA);
        await using var b = await StartPhoneAsync(home, "b", NameB);
        await using var mux = new TwoPhoneUsbmuxd(home.Combine("usbmuxd.sock"), [(a.EndPoint, a.Udid), (b.EndPoint, b.Udid)]);
        var env = new Dictionary<string, string>
        {
            ["HOME"] = home.Path,
            ["XDG_DATA_HOME"] = string.Empty,
            ["KEEPSAKE_VAULT"] = string.Empty,
            ["KEEPSAKE_PASSWORD"] = "vault-pw-for-device-selection",
            ["USBMUXD_SOCKET_ADDRESS"] = mux.SocketAddress,
        };

        // No choice: an error listing both phones by name and UDID, nothing backed up.
        foreach (var command in new[] { new[] { "backup" }, ["encryption", "status"], ["pair"] })
        {
            var ambiguous = KeepsakeProcess.Run(command, env);
            Assert.Equal(ExitCodes.Usage, ambiguous.ExitCode);
            Assert.Contains("2 iPhones are connected", ambiguous.StandardError, StringComparison.Ordinal);
            Assert.Contains($"'{NameA}' ({a.Udid})", ambiguous.StandardError, StringComparison.Ordinal);
            Assert.Contains($"'{NameB}' ({b.Udid})", ambiguous.StandardError, StringComparison.Ordinal);
            Assert.Contains("--device", ambiguous.StandardError, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Path.Combine(home.Path, ".local", "share", "keepsake", "vault")));

        // A phone that is not attached: exit 20, naming the ones that are.
        var absent = KeepsakeProcess.Run(["encryption", "status", "--device", "Carol's iPhone"], env);
        Assert.Equal(ExitCodes.NoDevice, absent.ExitCode);
        Assert.Contains("'Carol's iPhone' is not connected. Connected: ", absent.StandardError, StringComparison.Ordinal);
        Assert.Contains(b.Udid, absent.StandardError, StringComparison.Ordinal);

        // By name, then by UDID through the old --udid spelling: each backs up that phone only.
        var byName = KeepsakeProcess.Run(["backup", "--device", NameB], env).EnsureSuccess("keepsake backup --device NAME");
        Assert.Contains($"Backing up {b.Udid}", byName.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(a.Udid, byName.StandardOutput, StringComparison.Ordinal);
        Assert.Equal([b.Udid], SnapshotUdids(env));
        KeepsakeProcess.Run(["backup", "--udid", a.Udid.ToLowerInvariant()], env).EnsureSuccess("keepsake backup --udid UDID");
        Assert.Equal(new[] { a.Udid, b.Udid }.Order(StringComparer.Ordinal), SnapshotUdids(env).Order(StringComparer.Ordinal));

        // The vault now holds two phones: 'latest' alone is ambiguous; with --device it is that phone's.
        var latest = KeepsakeProcess.Run(["info", "latest"], env);
        Assert.Equal(ExitCodes.Usage, latest.ExitCode);
        Assert.Contains("'latest' is ambiguous: the vault holds snapshots of 2 iPhones", latest.StandardError, StringComparison.Ordinal);
        Assert.Contains(a.Udid, latest.StandardError, StringComparison.Ordinal);
        var infoB = KeepsakeProcess.Run(["info", "latest", "--device", NameB, "--json"], env).EnsureSuccess("keepsake info latest --device");
        Assert.Equal(b.Udid, JsonDocument.Parse(infoB.StandardOutput).RootElement[0].GetProperty("udid").GetString());
        Assert.Equal(NameB, JsonDocument.Parse(infoB.StandardOutput).RootElement[0].GetProperty("deviceName").GetString());
        var infoA = KeepsakeProcess.Run(["info", "latest", "--device", a.Udid, "--json"], env).EnsureSuccess("keepsake info latest --device UDID");
        Assert.Equal(a.Udid, JsonDocument.Parse(infoA.StandardOutput).RootElement[0].GetProperty("udid").GetString());
        Assert.Equal(ExitCodes.NotFound, KeepsakeProcess.Run(["info", "latest", "--device", "Carol's iPhone"], env).ExitCode);
    }

    [Fact]
    public async Task RestoreToDevice_AsksNamingThePhoneAndTheDate_AndRestoresOnlyOnYes()
    {
        await using var phone = await SimulatedPhoneHome.StartAsync(BuiltInPhone.Generate);
        phone.Run("backup").EnsureSuccess("keepsake backup");
        var time = JsonDocument.Parse(phone.Run("snapshots", "--json").EnsureSuccess("snapshots").StandardOutput).RootElement[0].GetProperty("time").GetString()!;

        // No answer (standard input closed): nothing restored, and the message says how to skip the question.
        var unanswered = KeepsakeProcess.Run(["restore", "latest", "--to-device"], phone.Env, standardInput: string.Empty);
        Assert.Equal(ExitCodes.Cancelled, unanswered.ExitCode);
        Assert.Contains("onto the iPhone 'Keepsake Test iPhone'", unanswered.StandardError, StringComparison.Ordinal);
        Assert.Contains(time[..10] + " " + time[11..16] + " UTC", unanswered.StandardError, StringComparison.Ordinal);
        Assert.Contains("--yes", unanswered.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Verifying", unanswered.StandardOutput, StringComparison.Ordinal);

        var declined = KeepsakeProcess.Run(["restore", "latest", "--to-device", "--no-reboot"], phone.Env, standardInput: "n\n");
        Assert.Equal(ExitCodes.Cancelled, declined.ExitCode);
        Assert.Contains("not confirmed", declined.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Restored", declined.StandardOutput, StringComparison.Ordinal);

        var confirmed = KeepsakeProcess.Run(["restore", "latest", "--to-device", "--no-reboot"], phone.Env, standardInput: "y\n").EnsureSuccess("restore, confirmed");
        Assert.Contains("Restored snapshot", confirmed.StandardOutput, StringComparison.Ordinal);
    }

    private static async Task<SimulatorHost> StartPhoneAsync(TempDirectory home, string name, string deviceName)
    {
        var phone = home.Combine("phone-" + name);
        BuiltInPhone.Generate(phone);
        return await SimulatorHost.StartAsync(new SimulatorOptions
        {
            ListenAddress = "UNIX:" + home.Combine($"usbmuxd-{name}.sock"),
            StateFolder = home.Combine("simulator-" + name),
            PhoneFolder = phone,
            DeviceName = deviceName,
        });
    }

    private static List<string> SnapshotUdids(Dictionary<string, string> env) =>
        [.. JsonDocument.Parse(KeepsakeProcess.Run(["snapshots", "--json"], env).EnsureSuccess("keepsake snapshots --json").StandardOutput)
            .RootElement.EnumerateArray().Select(s => s.GetProperty("udid").GetString()!)];
}
