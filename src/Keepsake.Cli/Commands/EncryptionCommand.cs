using System.CommandLine;
using Keepsake.Engine.DeviceBackup;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake encryption on|off|change|status</c>: the phone's backup encryption.</summary>
internal static class EncryptionCommand
{
    public const string NewPasswordVariable = "KEEPSAKE_NEW_BACKUP_PASSWORD";

    public static Command Create()
    {
        var action = new Argument<string>("ACTION") { Description = "on, off, change or status." };
        action.AcceptOnlyFromAmong("on", "off", "change", "status");
        var udid = CommonOptions.Device("The phone (default: the one connected).");
        var simulator = new Option<bool>("--simulator") { Description = "The built-in simulated iPhone." };
        var passwordFile = CommonOptions.BackupPasswordFile();
        var json = CommonOptions.Json();
        var newPasswordFile = new Option<FileInfo?>("--new-password-file") { Description = $"For change: the new password's file (else {NewPasswordVariable}, else a prompt).", HelpName = "FILE" };
        var command = new Command("encryption", "Turn the phone's encrypted backups on or off, or change their password. Encrypted backups include saved passwords, Health, Wi-Fi settings and call history.")
        {
            action, udid, simulator, passwordFile, newPasswordFile, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var devices = new DeviceAccess();
            var connector = (await devices.ConnectAsync(parse.GetValue(udid), null, parse.GetValue(simulator), cancellationToken))[0];
            var current = new PasswordSource("backup", CommonOptions.BackupPasswordVariable, parse.GetValue(passwordFile)?.FullName);
            var isOn = await DeviceEncryption.IsOnAsync(connector, cancellationToken);
            var what = parse.GetValue(action);
            // As idevicebackup2 does: the phone's setting is read first, so 'on' never asks for a new
            // password over an existing one, and 'off'/'change' say plainly that there is nothing to change.
            if (what == "on" && isOn)
            {
                throw new UsageException("backup encryption is already on for this phone; use 'keepsake encryption change' to change its password.");
            }

            if (what is "off" or "change" && !isOn)
            {
                throw new UsageException("backup encryption is off for this phone; turn it on with 'keepsake encryption on'.");
            }

            switch (what)
            {
                case "status" when parse.GetValue(json):
                    JsonOutput.WriteObject(Console.Out, w =>
                    {
                        w.WriteString("udid", connector.Udid);
                        w.WriteBoolean("encrypted", isOn);
                    });
                    return ExitCodes.Success;
                case "status":
                    Console.WriteLine($"Backup encryption is {(isOn ? "on" : "off")} for {connector.Udid}.");
                    return ExitCodes.Success;
                case "on":
                {
                    using var password = current.Get(confirm: true);
                    await DeviceEncryption.ChangeAsync(connector, DeviceAccess.TemporaryRoot(), null, password, cancellationToken);
                    Console.WriteLine("Backup encryption is on. Keep the password safe: without it the backups cannot be restored.");
                    return ExitCodes.Success;
                }

                case "off":
                {
                    using var password = current.Get();
                    await DeviceEncryption.ChangeAsync(connector, DeviceAccess.TemporaryRoot(), password, null, cancellationToken);
                    Console.WriteLine("Backup encryption is off. Warning: unencrypted backups leave out saved passwords, Health, Wi-Fi settings and call history.");
                    return ExitCodes.Success;
                }

                default:
                {
                    using var old = current.Get();
                    using var password = new PasswordSource("new backup", NewPasswordVariable, parse.GetValue(newPasswordFile)?.FullName).Get(confirm: true);
                    await DeviceEncryption.ChangeAsync(connector, DeviceAccess.TemporaryRoot(), old, password, cancellationToken);
                    Console.WriteLine("The backup password is changed.");
                    return ExitCodes.Success;
                }
            }
        });
        return command;
    }
}
