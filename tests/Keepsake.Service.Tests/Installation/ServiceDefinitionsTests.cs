using System.Xml.Linq;
using Keepsake.Service.Installation;
using Keepsake.TestKit;

namespace Keepsake.Service.Tests.Installation;

/// <summary>The three service definitions, checked against their specifications (and systemd's own verifier where it is installed).</summary>
public sealed class ServiceDefinitionsTests
{
    private static ServiceInstallSpec Spec(string executable) => new()
    {
        Executable = executable,
        LeadingArguments = ["/opt/keep sake/keepsake.dll"],
        PasswordFile = "/home/ann/.config/keepsake/vault-password",
        Vault = "/media/usb/vault 100%",
        LogFile = "/home/ann/.local/share/keepsake/service/service.log",
    };

    [Fact]
    public void SystemdUnit_IsTypeNotifyWithOwnerOnlyUmask_AndNoPassword()
    {
        var unit = ServiceDefinitions.SystemdUnit(Spec("/usr/bin/dotnet"));
        var lines = unit.Split('\n');
        Assert.Contains("Type=notify", lines);
        Assert.Contains("UMask=0077", lines);
        Assert.Contains("WantedBy=default.target", lines);
        Assert.Contains("ExecStart=/usr/bin/dotnet \"/opt/keep sake/keepsake.dll\" serve --vault-password-file /home/ann/.config/keepsake/vault-password --vault \"/media/usb/vault 100%%\"", lines);
        Assert.DoesNotContain("KEEPSAKE_PASSWORD", unit, StringComparison.Ordinal);
    }

    [SystemdAnalyzeFact]
    public void SystemdUnit_PassesSystemdAnalyzeVerify()
    {
        using var dir = new TempDirectory();
        // systemd-analyze checks that ExecStart's program exists and is executable: use the test host's own.
        var path = dir.Combine(ServiceDefinitions.SystemdUnitName);
        File.WriteAllText(path, ServiceDefinitions.SystemdUnit(Spec(Environment.ProcessPath!)));
        var result = ExternalTool.Run("systemd-analyze", ["verify", path], TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, $"systemd-analyze verify: {result.StandardOutput}{result.StandardError}");
        Assert.DoesNotContain(ServiceDefinitions.SystemdUnitName, result.StandardError, StringComparison.Ordinal);

        // And it does fail on a broken unit, so the check above means something.
        File.WriteAllText(path, ServiceDefinitions.SystemdUnit(Spec(Environment.ProcessPath!)).Replace("Type=notify", "Type=notifyy", StringComparison.Ordinal));
        var broken = ExternalTool.Run("systemd-analyze", ["verify", path], TimeSpan.FromMinutes(1));
        Assert.Contains("notifyy", broken.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void LaunchdPlist_HasLabelProgramArgumentsRunAtLoadAndKeepAlive()
    {
        var plist = XDocument.Parse(ServiceDefinitions.LaunchdPlist(Spec("/usr/local/bin/keepsake")), LoadOptions.None);
        var dict = plist.Root!.Element("dict")!.Elements().ToList();
        string? ValueAfter(string key) => dict.SkipWhile(e => !(e.Name == "key" && e.Value == key)).Skip(1).FirstOrDefault()?.ToString();
        Assert.Contains(ServiceDefinitions.LaunchdLabel, ValueAfter("Label"), StringComparison.Ordinal);
        Assert.Equal("<true />", ValueAfter("RunAtLoad"));
        var arguments = dict.SkipWhile(e => e.Value != "ProgramArguments").Skip(1).First().Elements("string").Select(e => e.Value).ToList();
        Assert.Equal(["/usr/local/bin/keepsake", "/opt/keep sake/keepsake.dll", "serve", "--vault-password-file", "/home/ann/.config/keepsake/vault-password", "--vault", "/media/usb/vault 100%"], arguments);
        Assert.Contains("SuccessfulExit", ValueAfter("KeepAlive"), StringComparison.Ordinal);
    }

    [Fact]
    public void WindowsTask_HasLogonTriggerAndQuotedArguments()
    {
        var xml = XDocument.Parse(ServiceDefinitions.WindowsTaskXml(Spec(@"C:\Program Files\Keepsake\keepsake.exe"), @"PC\ann"));
        XNamespace ns = "http://schemas.microsoft.com/windows/2004/02/mit/task";
        Assert.Equal(@"PC\ann", xml.Root!.Element(ns + "Triggers")!.Element(ns + "LogonTrigger")!.Element(ns + "UserId")!.Value);
        var exec = xml.Root.Element(ns + "Actions")!.Element(ns + "Exec")!;
        Assert.Equal(@"C:\Program Files\Keepsake\keepsake.exe", exec.Element(ns + "Command")!.Value);
        Assert.Equal("\"/opt/keep sake/keepsake.dll\" serve --vault-password-file /home/ann/.config/keepsake/vault-password --vault \"/media/usb/vault 100%\"", exec.Element(ns + "Arguments")!.Value);
        Assert.Equal("PT0S", xml.Root.Element(ns + "Settings")!.Element(ns + "ExecutionTimeLimit")!.Value);
    }

    [Theory]
    [InlineData("/usr/bin/keepsake", "/usr/bin/keepsake")]
    [InlineData("/a b/c", "\"/a b/c\"")]
    [InlineData("50%", "50%%")]
    [InlineData("$HOME", "$$HOME")]
    [InlineData("a\"b", "\"a\\\"b\"")]
    public void SystemdQuote_EscapesWhatSystemdWouldExpand(string word, string expected) =>
        Assert.Equal(expected, ServiceDefinitions.SystemdQuote(word));

    /// <summary>Runs only where systemd-analyze is installed (Debian's systemd package).</summary>
    private sealed class SystemdAnalyzeFactAttribute : FactAttribute
    {
        public SystemdAnalyzeFactAttribute()
        {
            if (ExternalTool.Find("systemd-analyze") is null)
            {
                Skip = "systemd-analyze is not installed; the unit's content is checked by SystemdUnit_IsTypeNotifyWithOwnerOnlyUmask_AndNoPassword.";
            }
        }
    }
}
