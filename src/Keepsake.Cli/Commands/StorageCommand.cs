using System.CommandLine;
using Keepsake.Export.Storage;
using Keepsake.Primitives;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake storage SOURCE</c>: what takes the space in a backup.</summary>
internal static class StorageCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("SOURCE") { Description = "A backup folder or a vault snapshot." };
        var top = new Option<int>("--top") { Description = "How many of the largest items to show.", DefaultValueFactory = _ => 20, HelpName = "N" };
        var device = CommonOptions.Device("With latest: the phone whose latest snapshot to read.");
        var passwordFile = CommonOptions.BackupPasswordFile();
        var vaultPasswordFile = CommonOptions.VaultPasswordFile("--vault-password-file");
        var json = CommonOptions.Json();
        var command = new Command("storage", "Show a backup's size by domain and app, and its largest files, videos and message attachments.")
        {
            source, top, device, passwordFile, vaultPasswordFile, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var vault = VaultAccess.From(parse, parse.GetValue(vaultPasswordFile));
            using var backup = await BackupSourceOpener.OpenAsync(parse.GetValue(source)!, parse.GetValue(passwordFile), vault, cancellationToken, parse.GetValue(device));
            var report = await StorageReport.BuildAsync(backup, parse.GetValue(top), cancellationToken);
            var sections = new (string Name, IReadOnlyList<StorageItem> Items)[]
            {
                ("category", report.ByCategory), ("domain", [.. report.ByDomain.Take(parse.GetValue(top))]), ("app", [.. report.ByApp.Take(parse.GetValue(top))]), ("largest file", report.LargestFiles), ("largest video", report.LargestVideos), ("largest attachment", report.LargestAttachments),
            };
            if (parse.GetValue(json))
            {
                JsonOutput.WriteArray(Console.Out, sections.SelectMany(s => s.Items.Select(i => (s.Name, Item: i))), (w, x) =>
                {
                    w.WriteString("section", x.Name);
                    w.WriteString("name", x.Item.Name);
                    w.WriteNumber("bytes", x.Item.Bytes);
                    w.WriteNumber("files", x.Item.Files);
                    w.WriteDate("date", x.Item.Date);
                    w.WriteStringOrNull("detail", x.Item.Detail);
                });
                return ExitCodes.Success;
            }

            Console.WriteLine($"Total: {report.TotalFiles} files, {new ByteSize(report.TotalBytes)}");
            foreach (var (name, items) in sections)
            {
                Console.WriteLine();
                var table = new TextTable(name.ToUpperInvariant(), "SIZE", "FILES", "DETAIL");
                foreach (var item in items)
                {
                    table.Add(item.Name, new ByteSize(item.Bytes).ToString(), item.Files.ToString(System.Globalization.CultureInfo.InvariantCulture), item.Detail ?? string.Empty);
                }

                table.Write(Console.Out);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
