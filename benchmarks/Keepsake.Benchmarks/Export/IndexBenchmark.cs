using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Keepsake.BackupFormat;
using Keepsake.BackupFormat.Writer;
using Keepsake.Export;
using Keepsake.Export.History;

namespace Keepsake.Benchmarks.Export;

/// <summary>
/// <c>index [--messages N] [--snapshots K] [--change PERCENT] [--queries Q] [--seed N] [--cache DIR] [--work DIR] [--peer PATH]</c>:
/// the search index (<see cref="SearchIndex"/>) over the export benchmark's generated sms.db
/// (<see cref="SmsDbGenerator"/>, default 1,000,000 messages), held in a backup folder as a phone backup
/// holds it. Measures: the first snapshot's indexing time; the index's growth over K more snapshots, each
/// with PERCENT of the messages changed (half deleted, half new, by sqlite3 on a copy); and the query time
/// (p50, p95) of Q one- and two-word queries taken from the messages. The peer for queries is ripgrep
/// (<c>rg -i -F -c</c>) over the TXT export of the same database; both must find a query's message.
/// Goals (issue 15): first index under 30 s, growth under 25 %, p95 under 50 ms.
/// </summary>
internal static partial class IndexBenchmark
{
    public static int Run(string[] args)
    {
        var messages = Option(args, "--messages", 1_000_000);
        var snapshots = Option(args, "--snapshots", 20);
        var change = Option(args, "--change", 1);
        var queries = Option(args, "--queries", 100);
        var seed = Option(args, "--seed", 1);
        var cache = Text(args, "--cache") ?? Path.Combine(Path.GetTempPath(), "keepsake-bench-cache");
        var work = Text(args, "--work") ?? Path.Combine(Path.GetTempPath(), "keepsake-index-bench-" + Environment.ProcessId);
        var peer = Text(args, "--peer") ?? FindOnPath("rg");
        Console.WriteLine($"index benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
        var db = SmsDbGenerator.Ensure(cache, messages, seed);
        Directory.CreateDirectory(work);
        try
        {
            var current = Path.Combine(work, "sms-0.db");
            File.Copy(db, current, overwrite: true);
            var indexPath = Path.Combine(work, "index", "index.sqlite");
            SearchIndex.Delete(indexPath);
            using var index = SearchIndex.Open(indexPath, create: true);
            var time = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var sw = Stopwatch.StartNew();
            var items = IndexSnapshot(index, work, current, 0, time);
            var first = sw.Elapsed.TotalSeconds;
            var firstSize = new FileInfo(indexPath).Length;
            Console.WriteLine(FormattableString.Invariant($"first snapshot: {items:N0} items indexed in {first:F1} s ({items / first:N0} items/s); index {firstSize / 1048576.0:F1} MiB (sms.db {new FileInfo(db).Length / 1048576.0:F1} MiB)"));

            var perSnapshot = new List<double>();
            for (var k = 1; k <= snapshots; k++)
            {
                var next = Path.Combine(work, $"sms-{k % 2}.db.next");
                File.Copy(current, next, overwrite: true);
                var rows = messages * change / 100;
                Sqlite(next, FormattableString.Invariant($"""
                    DELETE FROM message WHERE ROWID IN (SELECT ROWID FROM message ORDER BY (ROWID * 2654435761 + {k}) % 1000003 LIMIT {rows / 2});
                    INSERT INTO message (guid, text, attributedBody, date, is_from_me, handle_id, service)
                      SELECT 'BENCH-{k}-' || ROWID, 'snapshot {k}: ' || COALESCE(text, 'no text'), attributedBody, date + {k} * 1000000000, is_from_me, handle_id, service
                      FROM message ORDER BY ROWID LIMIT {rows - (rows / 2)};
                    """));
                current = Path.Combine(work, $"sms-{k}.db");
                File.Move(next, current, overwrite: true);
                File.Delete(Path.Combine(work, $"sms-{k - 1}.db"));
                sw.Restart();
                IndexSnapshot(index, work, current, k, time.AddDays(k));
                perSnapshot.Add(sw.Elapsed.TotalSeconds);
            }

            var finalSize = new FileInfo(indexPath).Length;
            var growth = (finalSize - firstSize) * 100.0 / firstSize;
            if (snapshots > 0)
            {
                Console.WriteLine(FormattableString.Invariant($"{snapshots} more snapshots with {change} % changed: {perSnapshot.Average():F1} s each (median {Median(perSnapshot):F1} s); index {finalSize / 1048576.0:F1} MiB, growth {growth:F1} % (goal < 25 %)"));
            }

            // Queries: words from messages of the last snapshot, found by Keepsake and by ripgrep over the TXT export.
            var words = PickQueries(current, queries, seed);
            var times = new List<double>();
            var found = 0;
            foreach (var query in words)
            {
                sw.Restart();
                var hits = index.Search(new SearchQuery(query) { Limit = 20 });
                times.Add(sw.Elapsed.TotalMilliseconds);
                found += hits.Count > 0 ? 1 : 0;
            }

            Console.WriteLine(FormattableString.Invariant($"keepsake search: {words.Count} queries, {found} with hits; p50 {Percentile(times, 50):F1} ms, p95 {Percentile(times, 95):F1} ms (goal < 50 ms)"));
            if (peer is null)
            {
                Console.WriteLine("ripgrep is not run: no rg on PATH (Debian package 'ripgrep'); give --peer PATH");
            }
            else
            {
                var export = Path.Combine(work, "txt");
                sw.Restart();
                ExportRunner.RunAsync(ExportKind.Messages, current, export, new ExportOptions { Format = "txt" }).GetAwaiter().GetResult();
                Console.WriteLine(FormattableString.Invariant($"TXT export for ripgrep: {sw.Elapsed.TotalSeconds:F1} s"));
                var rgTimes = new List<double>();
                var rgFound = 0;
                foreach (var query in words)
                {
                    sw.Restart();
                    var output = Run(peer, ["-i", "-F", "-c", query, export]);
                    rgTimes.Add(sw.Elapsed.TotalMilliseconds);
                    rgFound += output.Length > 0 ? 1 : 0;
                }

                Console.WriteLine(FormattableString.Invariant($"ripgrep: {words.Count} queries, {rgFound} with hits; p50 {Percentile(rgTimes, 50):F1} ms, p95 {Percentile(rgTimes, 95):F1} ms"));
                Console.WriteLine(FormattableString.Invariant($"ratio p95 keepsake / ripgrep: {Percentile(times, 95) / Percentile(rgTimes, 95):F3} (below 1: keepsake faster)"));
            }

            return 0;
        }
        finally
        {
            if (!args.Contains("--keep"))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static long IndexSnapshot(SearchIndex index, string work, string smsDb, int number, DateTimeOffset time)
    {
        var folder = Path.Combine(work, "backup");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        using (var writer = BackupWriter.Create(folder, new BackupWriterOptions { Udid = "00008030-00000BENCH000001" }))
        {
            using var stream = File.OpenRead(smsDb);
            writer.AddFile("HomeDomain", "Library/SMS/sms.db", stream);
            writer.Complete();
        }

        using var source = BackupFolder.Open(folder);
        var id = number.ToString("x64", CultureInfo.InvariantCulture);
        return index.AddSnapshotAsync(new IndexedSnapshot(id, time, "00008030-00000BENCH000001"), source).GetAwaiter().GetResult();
    }

    /// <summary>One or two words (4+ letters) from random messages' text column.</summary>
    private static List<string> PickQueries(string db, int count, int seed)
    {
        var random = new Random(seed);
        var texts = Sqlite(db, $"SELECT text FROM message WHERE length(text) > 20 ORDER BY random() LIMIT {count * 3};").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var result = new List<string>();
        foreach (var text in texts)
        {
            var words = Word().Matches(text).Select(m => m.Value).ToList();
            if (words.Count == 0)
            {
                continue;
            }

            var start = random.Next(words.Count);
            result.Add(random.Next(2) == 0 || start + 1 >= words.Count ? words[start] : words[start] + " " + words[start + 1]);
            if (result.Count == count)
            {
                break;
            }
        }

        return result;
    }

    [GeneratedRegex(@"\p{L}{4,}")]
    private static partial Regex Word();

    private static double Percentile(List<double> values, int percent)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1)];
    }

    private static double Median(List<double> values) => Percentile(values, 50);

    private static string Sqlite(string db, string sql) => Run("/usr/bin/sqlite3", [db], sql);

    private static string Run(string tool, string[] arguments, string? input = null)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardInput = input is not null, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string? Text(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
