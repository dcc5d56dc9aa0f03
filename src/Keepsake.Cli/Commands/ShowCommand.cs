using System.CommandLine;
using Keepsake.Export.History;

namespace Keepsake.Cli.Commands;

/// <summary><c>keepsake show ID</c>: one search hit in its context (the five messages before and after it in its conversation).</summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("ID") { Description = "An id from 'keepsake search' (message:<guid>, note:<id>, contact:<id>...)." };
        var context = new Option<int>("--context") { Description = "How many items to show before and after it (default 5).", HelpName = "N", DefaultValueFactory = _ => 5 };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var json = CommonOptions.Json();
        var command = new Command("show", "Show an item found by 'keepsake search' in its context: the messages before and after it, and the snapshots that hold it.")
        {
            id, context, passwordFile, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(context) is < 0 or > 1000)
            {
                throw new UsageException("--context takes 0 to 1000.");
            }

            SearchIndexLocation.EnsureFts5();
            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var path = SearchIndexLocation.For(repository.Id);
            if (!SearchIndex.Exists(path))
            {
                throw new FileNotFoundException("there is no search index yet: build it with 'keepsake index'.", path);
            }

            using var index = SearchIndex.Open(path, create: false);
            var hit = index.Find(parse.GetValue(id)!) ?? throw new FileNotFoundException($"no item '{parse.GetValue(id)}' in the search index.");
            var around = index.Context(hit, parse.GetValue(context));
            if (parse.GetValue(json))
            {
                JsonOutput.WriteArray(Console.Out, around, (w, h) =>
                {
                    SearchCommand.WriteHit(w, h);
                    w.WriteBoolean("match", h.Id == hit.Id);
                });
                return ExitCodes.Success;
            }

            foreach (var item in around)
            {
                var mark = item.Id == hit.Id ? ">" : " ";
                var date = item.Date?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "(no date)";
                Console.WriteLine(item.Kind == DataKind.Messages
                    ? $"{mark} {date}  {item.Sender}: {item.Snippet.ReplaceLineEndings(" ")}"
                    : $"{mark} {date}  {item.Title}: {item.Snippet.ReplaceLineEndings(" ")}");
            }

            Console.WriteLine();
            Console.WriteLine($"{hit.Id} ({hit.Title}), {SearchCommand.Snapshots(hit)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
