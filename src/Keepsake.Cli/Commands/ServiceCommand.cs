using System.CommandLine;
using System.Diagnostics;
using Keepsake.Service.Configuration;
using Keepsake.Service.Installation;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake service install|uninstall|status</c>: runs <c>keepsake serve</c> at login as a per-user service:
/// a systemd user unit (Type=notify) on Linux, a launchd LaunchAgent on macOS, a Task Scheduler logon task on
/// Windows. The vault password for unattended runs goes into an owner-only file (never into the definition):
/// the file given with --vault-password-file, else one written from KEEPSAKE_PASSWORD or a prompt at install.
/// </summary>
internal static class ServiceCommand
{
    public static Command Create()
    {
        var command = new Command("service", "Install, remove or inspect the per-user service that runs 'keepsake serve' at login.");
        command.Subcommands.Add(Install());
        command.Subcommands.Add(Uninstall());
        command.Subcommands.Add(Status());
        return command;
    }

    /// <summary>The owner-only password file the install writes when none is given.</summary>
    public static string DefaultPasswordFile() => Path.Combine(Path.GetDirectoryName(ServiceConfigFile.DefaultPath())!, "vault-password");

    /// <summary>Where the definition goes on this platform.</summary>
    public static string DefinitionPath()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS())
        {
            return Path.Combine(home, "Library", "LaunchAgents", ServiceDefinitions.LaunchdLabel + ".plist");
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(DeviceAccess.DataFolder(), "keepsake-task.xml");
        }

        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        return Path.Combine(string.IsNullOrEmpty(config) ? Path.Combine(home, ".config") : config, "systemd", "user", ServiceDefinitions.SystemdUnitName);
    }

    private static Command Install()
    {
        var passwordFile = CommonOptions.VaultPasswordFile();
        var listen = new Option<string?>("--listen") { Description = "The API's address for the service (default 127.0.0.1:7466).", HelpName = "ADDRESS" };
        var noStart = new Option<bool>("--no-start") { Description = "Write the definition only; do not enable or start it." };
        var command = new Command("install", "Write and enable the per-user service (systemd user unit, launchd agent or Windows logon task).") { passwordFile, listen, noStart };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(listen) is { } address)
            {
                try
                {
                    Keepsake.Service.ListenAddress.Parse(address);
                }
                catch (Keepsake.Service.ServeConfigurationException e)
                {
                    throw new UsageException(e.Message);
                }
            }

            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            var file = parse.GetValue(passwordFile)?.FullName ?? WritePasswordFile(vault);
            var (program, leading) = Program();
            var spec = new ServiceInstallSpec
            {
                Executable = program,
                LeadingArguments = leading,
                PasswordFile = file,
                Vault = parse.GetValue(CommonOptions.Vault) is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CommonOptions.VaultVariable)) ? null : vault.Location,
                Listen = parse.GetValue(listen),
                LogFile = Path.Combine(DeviceAccess.DataFolder(), "service", "service.log"),
            };
            var path = DefinitionPath();
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var text = OperatingSystem.IsMacOS() ? ServiceDefinitions.LaunchdPlist(spec)
                : OperatingSystem.IsWindows() ? ServiceDefinitions.WindowsTaskXml(spec, Environment.UserDomainName + "\\" + Environment.UserName)
                : ServiceDefinitions.SystemdUnit(spec);
            await File.WriteAllTextAsync(path, text, cancellationToken);
            Console.WriteLine($"Wrote {path}");
            Console.WriteLine($"The vault password is read from {file} (owner-only); it is not in the service definition.");
            if (parse.GetValue(noStart))
            {
                return ExitCodes.Success;
            }

            var started = OperatingSystem.IsMacOS() ? Run("launchctl", "load", "-w", path)
                : OperatingSystem.IsWindows() ? Run("schtasks", "/Create", "/F", "/TN", ServiceDefinitions.WindowsTaskName, "/XML", path)
                : Run("systemctl", "--user", "daemon-reload") && Run("systemctl", "--user", "enable", "--now", ServiceDefinitions.SystemdUnitName);
            if (!started)
            {
                Console.Error.WriteLine("warning: the service was written but could not be enabled here; enable it by hand (see 'keepsake help service').");
                return ExitCodes.Partial;
            }

            if (OperatingSystem.IsLinux())
            {
                Console.WriteLine("Enabled and started. It runs while you are logged in; to run it also when you are not, enable lingering: loginctl enable-linger " + Environment.UserName);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Uninstall()
    {
        var command = new Command("uninstall", "Stop, disable and remove the per-user service (the vault and the password file stay).");
        command.SetAction(_ =>
        {
            var path = DefinitionPath();
            if (!File.Exists(path))
            {
                Console.WriteLine($"No service is installed ({path} does not exist).");
                return ExitCodes.Success;
            }

            var stopped = OperatingSystem.IsMacOS() ? Run("launchctl", "unload", "-w", path)
                : OperatingSystem.IsWindows() ? Run("schtasks", "/Delete", "/F", "/TN", ServiceDefinitions.WindowsTaskName)
                : Run("systemctl", "--user", "disable", "--now", ServiceDefinitions.SystemdUnitName);
            File.Delete(path);
            if (OperatingSystem.IsLinux())
            {
                Run("systemctl", "--user", "daemon-reload");
            }

            Console.WriteLine($"Removed {path}.{(stopped ? "" : " (It could not be stopped here; it ends at the next logout.)")}");
            if (File.Exists(DefaultPasswordFile()))
            {
                Console.WriteLine($"The vault password file {DefaultPasswordFile()} was kept; delete it if no longer needed.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Status()
    {
        var command = new Command("status", "Show whether the per-user service is installed and running.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = DefinitionPath();
            Console.WriteLine(File.Exists(path) ? $"installed: {path}" : "installed: no");
            return await StatusCommand.PrintAsync(Console.Out, cancellationToken);
        });
        return command;
    }

    /// <summary>The program to run: this executable, or dotnet with keepsake.dll when run through dotnet.</summary>
    private static (string Program, IReadOnlyList<string> Leading) Program()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown.");
        var name = Path.GetFileNameWithoutExtension(process);
        return name == "dotnet"
            ? (process, [Path.Combine(AppContext.BaseDirectory, "keepsake.dll")])
            : (process, []);
    }

    /// <summary>Writes the vault password (from KEEPSAKE_PASSWORD or a prompt) to the default owner-only file.</summary>
    private static string WritePasswordFile(VaultAccess vault)
    {
        var file = DefaultPasswordFile();
        using var password = vault.Password(confirm: false);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        Keepsake.Service.Runtime.OwnerOnlyFile.WriteAllBytes(file, [.. password.RevealUtf8(), (byte)'\n']);
        return file;
    }

    private static bool Run(string program, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            var error = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"{program} {string.Join(' ', arguments)}: {error.Trim()}");
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
