using System.CommandLine;
using System.Globalization;
using Keepsake.Export;
using Keepsake.Export.Messages;
using Spectre.Console;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake export KIND SOURCE DEST [--format F]</c>: get data out in open formats.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var kind = new Argument<string>("KIND") { Description = "messages, contacts, calls, photos, notes, voicemail, calendar, safari or whatsapp." };
        var source = new Argument<string>("SOURCE") { Description = "A backup folder, a vault snapshot (ID, prefix, latest), or a database file (sms.db, chat.db, AddressBook.sqlitedb...)." };
        var destination = new Argument<string>("DEST") { Description = "The folder to write into." };
        var format = new Option<string?>("--format") { Description = "Output format (messages: html, pdf, txt, csv, json; contacts: vcf; calls: csv, json; notes: html, md, txt; calendar: ics; safari: csv, html; whatsapp: html, txt, json).", HelpName = "F" };
        var conversation = new Option<string[]>("--conversation") { Description = "Messages: only this conversation (chat identifier or name); repeatable.", HelpName = "ID" };
        var participant = new Option<string?>("--participant") { Description = "Messages: only conversations with this participant.", HelpName = "HANDLE" };
        var from = CommonOptions.Date("--from", "Only items on or after this date (YYYY-MM-DD).");
        var to = CommonOptions.Date("--to", "Only items before this date (YYYY-MM-DD).");
        var timeZone = CommonOptions.TimeZone("Show times in this IANA time zone (default UTC).");
        var byAlbum = new Option<bool>("--by-album") { Description = "Photos: one folder per album." };
        var device = CommonOptions.Device("With latest: the phone whose latest snapshot to read.");
        var passwordFile = CommonOptions.BackupPasswordFile();
        var vaultPasswordFile = CommonOptions.VaultPasswordFile("--vault-password-file");
        var json = CommonOptions.Json();
        var command = new Command("export", "Export messages, contacts, calls, photos, notes, voicemail, calendar, Safari or WhatsApp data in open formats. Exporting again into the same folder adds only what is new.")
        {
            kind, source, destination, format, conversation, participant, from, to, timeZone, byAlbum, device, passwordFile, vaultPasswordFile, json,
        };
        command.Validators.Add(result =>
        {
            var kindName = result.GetValue(kind) ?? string.Empty;
            var kinds = Enum.GetNames<ExportKind>().Select(n => n.ToLowerInvariant()).ToList();
            if (!kinds.Contains(kindName.ToLowerInvariant()))
            {
                var suggestion = UsageReporter.Suggest(kindName.ToLowerInvariant(), kinds);
                result.AddError($"unknown kind '{kindName}'. Kinds: {string.Join(", ", kinds)}." + (suggestion is null ? string.Empty : $" Did you mean '{suggestion}'?"));
                return;
            }

            var chosen = Enum.Parse<ExportKind>(kindName, ignoreCase: true);
            var formatName = result.GetValue(format);
            if (formatName is not null && !ExportRunner.FormatsOf(chosen).Contains(formatName.ToLowerInvariant()))
            {
                result.AddError($"--format: {kindName} cannot be exported as '{formatName}'. Formats for {kindName}: {string.Join(", ", ExportRunner.FormatsOf(chosen))}.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var exportKind = Enum.Parse<ExportKind>(parse.GetValue(kind)!, ignoreCase: true);
            var options = new ExportOptions
            {
                Format = parse.GetValue(format),
                Filter = new MessageFilter
                {
                    Conversations = parse.GetValue(conversation) ?? [],
                    Participant = parse.GetValue(participant),
                    From = parse.GetValue(from),
                    To = parse.GetValue(to),
                },
                TimeZone = parse.GetValue(timeZone) ?? TimeZoneInfo.Utc,
                PhotosByAlbum = parse.GetValue(byAlbum),
            };
            var input = parse.GetValue(source)!;
            var dest = parse.GetValue(destination)!;
            ExportResult result;
            if (File.Exists(input))
            {
                result = await RunWithProgressAsync(parse.GetValue(json), p => ExportRunner.RunAsync(exportKind, input, dest, options, p, cancellationToken));
            }
            else
            {
                var vault = VaultAccess.From(parse, parse.GetValue(vaultPasswordFile));
                using var backup = await BackupSourceOpener.OpenAsync(input, parse.GetValue(passwordFile), vault, cancellationToken, parse.GetValue(device));
                result = await RunWithProgressAsync(parse.GetValue(json), p => ExportRunner.RunAsync(exportKind, backup, dest, options, p, cancellationToken));
            }

            if (parse.GetValue(json))
            {
                JsonOutput.WriteObject(Console.Out, w =>
                {
                    w.WriteString("kind", exportKind.ToString().ToLowerInvariant());
                    w.WriteString("destination", Path.GetFullPath(result.Destination));
                    w.WriteStartObject("counts");
                    foreach (var (counter, count) in result.Counts)
                    {
                        w.WriteNumber(counter, count);
                    }

                    w.WriteEndObject();
                });
                return ExitCodes.Success;
            }

            Console.WriteLine($"Exported {exportKind.ToString().ToLowerInvariant()} to {Path.GetFullPath(result.Destination)}: "
                + string.Join(", ", result.Counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Value} {Words(c.Key)}"))));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A counter's name in words for the summary line: <c>attachmentsCopied</c> becomes "attachments copied".</summary>
    internal static string Words(string counter) =>
        string.Concat(counter.Select((c, i) => char.IsUpper(c) && i > 0 ? " " + char.ToLowerInvariant(c) : c.ToString()));

    private static async Task<ExportResult> RunWithProgressAsync(bool plain, Func<IProgress<ExportProgress>?, Task<ExportResult>> run)
    {
        if (plain || Console.IsOutputRedirected)
        {
            // Plain lines (a log, a pipe): the phase as it changes, and the count at most every few seconds.
            using var lines = new WorkProgressReporter(Console.Error, live: false);
            var progress = new SynchronousProgress(p => lines.Report(new Repository.WorkProgress(
                p.Phase, "items", p.Done, p.Total, 0, null)));
            return await run(progress);
        }

        ExportResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Exporting", maxValue: 1);
                result = await run(new Progress<ExportProgress>(p =>
                {
                    task.Description = Markup.Escape(p.Item is null ? p.Phase : $"{p.Phase}: {p.Item}");
                    if (p.Total is > 0)
                    {
                        task.MaxValue = p.Total.Value;
                        task.Value = Math.Min(p.Done, p.Total.Value);
                    }
                }));
                task.Value = task.MaxValue;
            });
        return result!;
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the exporter's own thread (Progress&lt;T&gt; would post to the thread pool and lose the order).</summary>
    private sealed class SynchronousProgress(Action<ExportProgress> report) : IProgress<ExportProgress>
    {
        public void Report(ExportProgress value) => report(value);
    }
}
