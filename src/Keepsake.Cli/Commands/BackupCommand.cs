using System.CommandLine;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Primitives;
using Spectre.Console;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake backup [--udid U] [--wifi ADDRESS] [--simulator]</c>: back up each connected iPhone into the
/// vault. The phone sends only what changed since its working copy; the copy becomes a new snapshot.
/// </summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var udid = new Option<string?>("--udid") { Description = "Back up only this phone.", HelpName = "UDID" };
        var wifi = new Option<string?>("--wifi") { Description = "Reach the (already paired) phone over Wi-Fi at this IP address; needs --udid.", HelpName = "ADDRESS" };
        var simulator = new Option<bool>("--simulator") { Description = "Back up the built-in simulated iPhone (no phone needed)." };
        var full = new Option<bool>("--full") { Description = "Ask the phone for a full backup even when it could send only the changes." };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var command = new Command("backup", "Back up connected iPhones into the vault (created if needed), keeping every earlier snapshot.")
        {
            udid, wifi, simulator, full, passwordFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = new VaultAccess(parse.GetValue(CommonOptions.Vault), parse.GetValue(passwordFile));
            await using var devices = new DeviceAccess();
            var connectors = await devices.ConnectAsync(parse.GetValue(udid), parse.GetValue(wifi), parse.GetValue(simulator), cancellationToken);
            using var repository = await vault.OpenOrCreateAsync(Console.Out, cancellationToken);
            var options = new DeviceBackupOptions { WorkingRoot = DeviceAccess.WorkingRoot(), ForceFull = parse.GetValue(full) };
            foreach (var connector in connectors)
            {
                Console.WriteLine($"Backing up {connector.Udid} into {vault.Location}");
                var result = await RunWithProgressAsync(connector, repository, options, cancellationToken);
                PrintSummary(result);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<DeviceBackupResult> RunWithProgressAsync(Device.Transport.IDeviceConnector connector, Repository.Repository repository, DeviceBackupOptions options, CancellationToken cancellationToken)
    {
        if (Console.IsOutputRedirected)
        {
            return await DeviceBackupJob.RunAsync(connector, repository, options, cancellationToken: cancellationToken);
        }

        DeviceBackupResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Connecting", maxValue: 100);
                var progress = new Progress<DeviceBackupProgress>(p =>
                {
                    task.Description = p.Stage switch
                    {
                        DeviceBackupStage.Receiving => $"Receiving: {p.Files} files, {new ByteSize(p.Bytes)}",
                        DeviceBackupStage.Storing => "Storing in the vault",
                        DeviceBackupStage.Done => "Done",
                        _ => "Connecting",
                    };
                    task.Value = Math.Clamp(p.Percent, 0, 100);
                });
                result = await DeviceBackupJob.RunAsync(connector, repository, options, progress, cancellationToken);
                task.Value = 100;
            });
        return result!;
    }

    private static readonly HashSet<string> BookkeepingFiles = new(StringComparer.Ordinal)
    {
        "Info.plist", "Manifest.plist", "Manifest.db", "Manifest.mbdb", "Status.plist",
    };

    private static void PrintSummary(DeviceBackupResult result)
    {
        var s = result.Snapshot;
        // Count the phone's files, not the folder's bookkeeping (Info/Manifest/Status), which changes every run.
        var files = result.Changes.Where(c => !c.Path.EndsWith('/') && !BookkeepingFiles.Contains(Path.GetFileName(c.Path))).ToList();
        var added = files.Count(c => c.Modifier == "+");
        var removed = files.Count(c => c.Modifier == "-");
        var changed = files.Count(c => c.Modifier is not "+" and not "-");
        Console.WriteLine($"snapshot {s.ShortId} saved for {result.DeviceName} ({result.Udid}), {(result.WasFull ? "full" : "incremental")} backup, {(result.IsEncrypted ? "encrypted" : "NOT encrypted")}");
        Console.WriteLine(result.Previous is null
            ? $"  first snapshot of this phone: {result.Stored.FilesNew} files, {new ByteSize(result.Stored.TotalBytes)}"
            : $"  since snapshot {result.Previous.ShortId}: {added} files added, {changed} changed, {removed} removed");
        Console.WriteLine($"  new data stored after deduplication: {new ByteSize(result.Stored.BytesAdded)}; took {result.Duration.TotalSeconds:0.0} s");
        foreach (var warning in result.Warnings)
        {
            Console.Error.WriteLine($"warning: {warning}");
        }
    }
}
