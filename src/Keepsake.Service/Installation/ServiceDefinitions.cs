using System.Security;
using System.Text;

namespace Keepsake.Service.Installation;

/// <summary>
/// The three per-user service definitions <c>keepsake service install</c> writes, from their specifications:
/// a systemd user unit (<c>systemd.service(5)</c>, <c>Type=notify</c>), a launchd LaunchAgent property list
/// (<c>launchd.plist(5)</c>) and a Windows Task Scheduler task (the Task Scheduler schema's XML, a logon trigger).
/// </summary>
public static class ServiceDefinitions
{
    /// <summary>The systemd unit's file name (in <c>~/.config/systemd/user/</c>).</summary>
    public const string SystemdUnitName = "keepsake.service";

    /// <summary>The launchd label (and file name, with <c>.plist</c>, in <c>~/Library/LaunchAgents/</c>).</summary>
    public const string LaunchdLabel = "org.keepsake.serve";

    /// <summary>The Windows task's name.</summary>
    public const string WindowsTaskName = "Keepsake";

    public static string SystemdUnit(ServiceInstallSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = new StringBuilder();
        text.Append("# Written by 'keepsake service install'; remove with 'keepsake service uninstall'.\n");
        text.Append("[Unit]\n");
        text.Append("Description=Keepsake: automatic iPhone backups into the vault\n");
        text.Append('\n');
        text.Append("[Service]\n");
        text.Append("Type=notify\n");
        text.Append("ExecStart=").Append(SystemdQuote(spec.Executable));
        foreach (var argument in spec.Arguments())
        {
            text.Append(' ').Append(SystemdQuote(argument));
        }

        text.Append('\n');
        text.Append("Restart=on-failure\n");
        text.Append("RestartSec=30\n");
        text.Append("TimeoutStopSec=90\n");
        text.Append("UMask=0077\n");
        text.Append("NoNewPrivileges=yes\n");
        text.Append('\n');
        text.Append("[Install]\n");
        text.Append("WantedBy=default.target\n");
        return text.ToString();
    }

    public static string LaunchdPlist(ServiceInstallSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = new StringBuilder();
        text.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        text.Append("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n");
        text.Append("<plist version=\"1.0\">\n<dict>\n");
        text.Append("  <key>Label</key>\n  <string>").Append(LaunchdLabel).Append("</string>\n");
        text.Append("  <key>ProgramArguments</key>\n  <array>\n");
        foreach (var argument in spec.Arguments().Prepend(spec.Executable))
        {
            text.Append("    <string>").Append(SecurityElement.Escape(argument)).Append("</string>\n");
        }

        text.Append("  </array>\n");
        text.Append("  <key>RunAtLoad</key>\n  <true/>\n");
        text.Append("  <key>KeepAlive</key>\n  <dict>\n    <key>SuccessfulExit</key>\n    <false/>\n  </dict>\n");
        text.Append("  <key>ProcessType</key>\n  <string>Background</string>\n");
        text.Append("  <key>Umask</key>\n  <integer>63</integer>\n");
        if (spec.LogFile is not null)
        {
            text.Append("  <key>StandardOutPath</key>\n  <string>").Append(SecurityElement.Escape(spec.LogFile)).Append("</string>\n");
            text.Append("  <key>StandardErrorPath</key>\n  <string>").Append(SecurityElement.Escape(spec.LogFile)).Append("</string>\n");
        }

        text.Append("</dict>\n</plist>\n");
        return text.ToString();
    }

    public static string WindowsTaskXml(ServiceInstallSpec spec, string userId)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = new StringBuilder();
        text.Append("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n");
        text.Append("<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n");
        text.Append("  <RegistrationInfo>\n    <Description>Keepsake: automatic iPhone backups into the vault</Description>\n  </RegistrationInfo>\n");
        text.Append("  <Triggers>\n    <LogonTrigger>\n      <Enabled>true</Enabled>\n      <UserId>").Append(SecurityElement.Escape(userId)).Append("</UserId>\n    </LogonTrigger>\n  </Triggers>\n");
        text.Append("  <Principals>\n    <Principal id=\"Author\">\n      <UserId>").Append(SecurityElement.Escape(userId)).Append("</UserId>\n      <LogonType>InteractiveToken</LogonType>\n      <RunLevel>LeastPrivilege</RunLevel>\n    </Principal>\n  </Principals>\n");
        text.Append("  <Settings>\n    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>\n");
        text.Append("    <RestartOnFailure>\n      <Interval>PT1M</Interval>\n      <Count>10</Count>\n    </RestartOnFailure>\n  </Settings>\n");
        text.Append("  <Actions Context=\"Author\">\n    <Exec>\n      <Command>").Append(SecurityElement.Escape(spec.Executable)).Append("</Command>\n");
        text.Append("      <Arguments>").Append(SecurityElement.Escape(string.Join(' ', spec.Arguments().Select(WindowsQuote)))).Append("</Arguments>\n    </Exec>\n  </Actions>\n");
        text.Append("</Task>\n");
        return text.ToString();
    }

    /// <summary>One ExecStart word: quoted when it holds spaces, quotes, backslashes or specifiers (systemd.syntax(7)).</summary>
    public static string SystemdQuote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var escaped = word.Replace("%", "%%", StringComparison.Ordinal).Replace("$", "$$", StringComparison.Ordinal);
        if (escaped.Length > 0 && escaped.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or ':' or '+' or ',' or '@' or '%' or '$' or '='))
        {
            return escaped;
        }

        return "\"" + escaped.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    private static string WindowsQuote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c == '"') ? argument : "\"" + argument.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
