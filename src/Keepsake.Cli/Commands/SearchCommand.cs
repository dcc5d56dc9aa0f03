using System.CommandLine;
using Keepsake.Export.History;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake search QUERY</c>: ranked hits from the search index across every snapshot, each with its
/// stable id (for <c>keepsake show</c>), date, conversation or title, snippet, and the snapshots that hold it.
/// </summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var query = new Argument<string>("QUERY") { Description = "Words to find (all of them; case and accents ignored), or a piece of text (Chinese, Japanese, Korean, or part of a word)." };
        var kind = new Option<string?>("--kind") { Description = "Only this kind: messages, contacts, photos, calls or notes.", HelpName = "KIND" };
        var from = CommonOptions.Date("--from", "Only items on or after this date (YYYY-MM-DD).");
        var to = CommonOptions.Date("--to", "Only items before this date (YYYY-MM-DD).");
        var device = new Option<string?>("--device") { Description = "Only this phone (its UDID).", HelpName = "UDID" };
        var limit = new Option<int>("--limit") { Description = "The most hits to show (default 20).", HelpName = "N", DefaultValueFactory = _ => 20 };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var json = CommonOptions.Json();
        var command = new Command("search", "Search every snapshot's messages, notes, contacts, calls and photo names through the search index ('keepsake index' builds it).")
        {
            query, kind, from, to, device, limit, passwordFile, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var kinds = DiffDataOutput.ParseKinds(parse.GetValue(kind) is { } k ? [k] : null);
            if (parse.GetValue(limit) is < 1 or > 10_000)
            {
                throw new UsageException("--limit takes 1 to 10000.");
            }

            SearchIndexLocation.EnsureFts5();
            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            var path = SearchIndexLocation.For(repository.Id);
            if (!SearchIndex.Exists(path))
            {
                Console.Error.WriteLine(SearchIndexLocation.Explanation(path));
                throw new FileNotFoundException("there is no search index yet: build it with 'keepsake index' (then search again).", path);
            }

            using var index = SearchIndex.Open(path, create: false);
            var hits = index.Search(new SearchQuery(parse.GetValue(query)!)
            {
                Kind = kinds?[0],
                From = parse.GetValue(from),
                To = parse.GetValue(to),
                Device = parse.GetValue(device),
                Limit = parse.GetValue(limit),
            }, cancellationToken);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteArray(Console.Out, hits, WriteHit);
                return ExitCodes.Success;
            }

            foreach (var hit in hits)
            {
                Console.WriteLine(Heading(hit));
                Console.WriteLine("    " + hit.Snippet.ReplaceLineEndings(" "));
                Console.WriteLine("    " + Snapshots(hit));
            }

            Console.WriteLine(hits.Count == 0 ? "No matches." : $"{hits.Count} {(hits.Count == 1 ? "match" : "matches")}.");
            return ExitCodes.Success;
        });
        return command;
    }

    internal static string Heading(SearchHit hit) =>
        $"{hit.Id}  {hit.Date?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "(no date)"}  {hit.Title}{(hit.Sender is null ? string.Empty : "  " + hit.Sender)}";

    internal static string Snapshots(SearchHit hit) =>
        (hit.FirstSnapshot == hit.LastSnapshot ? $"in snapshot {hit.FirstSnapshot[..8]}" : $"in snapshots {hit.FirstSnapshot[..8]} to {hit.LastSnapshot[..8]}")
        + (hit.DeletedSince is { } since ? $"; deleted since {since[..8]} (not in later backups)" : string.Empty);

    internal static void WriteHit(System.Text.Json.Utf8JsonWriter w, SearchHit hit)
    {
        w.WriteString("id", hit.Id);
        w.WriteString("kind", hit.Kind.ToString().ToLowerInvariant());
        w.WriteString("device", hit.Device);
        if (hit.Date is { } date)
        {
            w.WriteDate("date", date);
        }
        else
        {
            w.WriteNull("date");
        }

        w.WriteString("title", hit.Title);
        if (hit.Sender is not null)
        {
            w.WriteString("sender", hit.Sender);
        }

        w.WriteString("snippet", hit.Snippet);
        w.WriteNumber("rank", hit.Rank);
        w.WriteString("firstSnapshot", hit.FirstSnapshot);
        w.WriteString("lastSnapshot", hit.LastSnapshot);
        if (hit.DeletedSince is { } since)
        {
            w.WriteString("deletedSince", since);
        }
        else
        {
            w.WriteNull("deletedSince");
        }
    }
}
