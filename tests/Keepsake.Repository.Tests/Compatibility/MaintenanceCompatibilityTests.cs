using System.Text.Json;
using Keepsake.Primitives;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Snapshots;
using Keepsake.TestKit;

namespace Keepsake.Repository.Tests.Compatibility;

public sealed class MaintenanceCompatibilityTests
{
    [ToolFact("restic")]
    public async Task ForgetAndPrune_ThenResticCheck_PassesAndRestores()
    {
        using var dir = new TempDirectory();
        var repoPath = dir.Combine("repo");
        var source = dir.Combine("source");
        TestData.CreateTree(source, seed: 3);
        using var password = Secret.FromString(Restic.Password);
        using var repo = await Repository.InitAsync(new LocalBackend(repoPath), password, ResticCompatibilityTests.Fast with { PackSize = 64 * 1024 });
        await repo.BackupAsync(source);
        File.Delete(Path.Combine(source, "dir0", "sub", "file0.bin"));
        File.Delete(Path.Combine(source, "dir1", "file1.bin"));
        TestData.CreateRandomFile(Path.Combine(source, "dir2", "new.bin"), 200_000, seed: 9);
        await repo.BackupAsync(source);
        File.Delete(Path.Combine(source, "dir0", "file3.bin"));
        var last = await repo.BackupAsync(source);

        var forget = await repo.ForgetAsync(new RetentionPolicy { Last = 1 });
        Assert.Equal(2, forget.Removed.Count);
        var prune = await repo.PruneAsync();
        Assert.True(prune.PacksRemoved > 0, "prune removed no pack");
        Assert.True(prune.BlobsRemoved > 0, "prune removed no blob");

        Restic.Check(repoPath);
        var ours = await repo.CheckAsync(readData: true);
        Assert.True(ours.IsOk, string.Join('\n', ours.Errors));
        var restored = dir.Combine("restored");
        Restic.Run(repoPath, "--no-lock", "restore", last.Snapshot.Id.ToString(), "--target", restored).EnsureSuccess("restic restore");
        TestData.AssertSameTree(source, Path.Combine(restored, Path.GetFullPath(source).TrimStart('/')));
    }

    [ToolFact("restic")]
    public async Task LostIndexFiles_NextBackupStoresItsOwnData_ResticChecksAfterForgetAndPrune()
    {
        using var dir = new TempDirectory();
        var repoPath = dir.Combine("repo");
        var source = dir.Combine("source");
        TestData.CreateTree(source, seed: 17);
        using var password = Secret.FromString(Restic.Password);
        ObjectId first;
        using (var repo = await Repository.InitAsync(new LocalBackend(repoPath), password, ResticCompatibilityTests.Fast with { PackSize = 64 * 1024 }))
        {
            first = (await repo.BackupAsync(source)).Snapshot.Id;
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(repoPath, "index")))
        {
            File.SetAttributes(file, FileAttributes.Normal);
            File.Delete(file);
        }

        // The blobs of the lost index are read for the parent tree but not trusted as stored: the new
        // snapshot is complete in the packs its own index names.
        using var reopened = await Repository.OpenAsync(new LocalBackend(repoPath), password, ResticCompatibilityTests.Fast with { PackSize = 64 * 1024 });
        var second = await reopened.BackupAsync(source);
        Assert.Equal(first, second.Snapshot.Parent);
        Assert.True(second.BytesAdded > 0, "the second backup relied on unindexed packs");
        await reopened.RemoveSnapshotAsync(first);
        var pruned = await reopened.PruneAsync();
        Assert.True(pruned.PacksRemoved > 0, "prune kept the unindexed packs");

        Restic.Check(repoPath);
        var restored = dir.Combine("restored");
        Restic.Run(repoPath, "--no-lock", "restore", second.Snapshot.Id.ToString(), "--target", restored).EnsureSuccess("restic restore");
        TestData.AssertSameTree(source, Path.Combine(restored, Path.GetFullPath(source).TrimStart('/')));
    }

    [ToolFact("restic")]
    public async Task ResticPrune_AfterKeepsakeBackups_KeepsakeReadsEverything()
    {
        using var dir = new TempDirectory();
        var repoPath = dir.Combine("repo");
        var source = dir.Combine("source");
        TestData.CreateTree(source, seed: 5);
        using var password = Secret.FromString(Restic.Password);
        using (var repo = await Repository.InitAsync(new LocalBackend(repoPath), password, ResticCompatibilityTests.Fast))
        {
            await repo.BackupAsync(source);
            File.Delete(Path.Combine(source, "dir1", "file1.bin"));
            File.WriteAllText(Path.Combine(source, "dir1", "fresh.txt"), "fresh");
            await repo.BackupAsync(source);
        }

        Restic.Run(repoPath, "forget", "--keep-last", "1", "--prune").EnsureSuccess("restic forget --prune");

        using var reopened = await Repository.OpenAsync(new LocalBackend(repoPath), password);
        var snapshot = Assert.Single(await reopened.ListSnapshotsAsync());
        var check = await reopened.CheckAsync(readData: true);
        Assert.True(check.IsOk, string.Join('\n', check.Errors));
        var restored = dir.Combine("restored");
        await reopened.RestoreAsync(snapshot, restored, new RestoreOptions { SubPath = Path.GetFullPath(source) });
        TestData.AssertSameTree(source, restored);
    }

    [ToolFact("restic")]
    public async Task CopyTo_AnotherRepository_ResticChecksAndRestoresIt()
    {
        using var dir = new TempDirectory();
        var source = dir.Combine("source");
        TestData.CreateTree(source, seed: 11);
        using var password = Secret.FromString(Restic.Password);
        using var from = await Repository.InitAsync(new LocalBackend(dir.Combine("from")), Secret.FromString("other password"), ResticCompatibilityTests.Fast);
        await from.BackupAsync(source, new BackupOptions { Host = "phone", Tags = ["t1"] });
        File.WriteAllText(Path.Combine(source, "more.txt"), "more");
        await from.BackupAsync(source, new BackupOptions { Host = "phone" });
        var toPath = dir.Combine("to");
        using var to = await Repository.InitAsync(new LocalBackend(toPath), password, ResticCompatibilityTests.Fast);

        var snapshots = await from.ListSnapshotsAsync();
        var result = await from.CopyToAsync(to, snapshots);
        Assert.Equal(2, result.Copied.Count);
        var again = await from.CopyToAsync(to, snapshots);
        Assert.Empty(again.Copied);
        Assert.Equal(2, again.AlreadyPresent);

        Restic.Check(toPath);
        var json = Restic.Run(toPath, "--no-lock", "snapshots", "--json").EnsureSuccess("restic snapshots").StandardOutput;
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(2, doc.RootElement.GetArrayLength());
        var restored = dir.Combine("restored");
        Restic.Run(toPath, "--no-lock", "restore", "latest", "--target", restored).EnsureSuccess("restic restore");
        TestData.AssertSameTree(source, Path.Combine(restored, Path.GetFullPath(source).TrimStart('/')));
    }

    [ToolFact("restic")]
    public async Task ApplyPolicy_SnapshotsOverManyDays_KeepsWhatResticKeeps()
    {
        using var dir = new TempDirectory();
        var (repoPath, source) = (dir.Combine("repo"), dir.Combine("source"));
        using var repo = await OneFileRepositoryAsync(repoPath, source);
        var start = new DateTimeOffset(2025, 12, 20, 8, 0, 0, TimeSpan.Zero);
        var offsetsHours = new[] { 0, 5, 26, 30, 50, 75, 100, 170, 200, 400, 800, 1500, 3000, 9000 };
        foreach (var h in offsetsHours)
        {
            await repo.BackupAsync(source, new BackupOptions { Time = start.AddHours(h), Tags = h == 400 ? ["keep-me"] : [] });
        }

        var policy = new RetentionPolicy { Last = 2, Daily = 3, Weekly = 2, Monthly = 2, Yearly = 1, Tags = ["keep-me"] };
        var ours = Repository.ApplyPolicy(await repo.ListSnapshotsAsync(), policy).Kept.Select(s => s.Id.ToString()).Order().ToList();

        var theirs = ResticKeeps(repoPath, "--keep-last", "2", "--keep-daily", "3", "--keep-weekly", "2", "--keep-monthly", "2", "--keep-yearly", "1", "--keep-tag", "keep-me");
        Assert.Equal(theirs, ours);
        Assert.True(ours.Count < offsetsHours.Length);
    }

    [ToolFact("restic")]
    public async Task ApplyPolicy_HourlyAndWithin_KeepsWhatResticKeeps()
    {
        using var dir = new TempDirectory();
        var (repoPath, source) = (dir.Combine("repo"), dir.Combine("source"));
        using var repo = await OneFileRepositoryAsync(repoPath, source);

        // Local times with their offsets (buckets are taken in each snapshot's own offset), several in
        // one hour, an hour boundary crossed only in UTC, the days before a month end (one month before
        // 31 March is 3 March for restic, not 28 February), and one snapshot in the future, which
        // restic does not count as the latest.
        var plus2 = TimeSpan.FromHours(2);
        DateTimeOffset[] times =
        [
            new(2026, 3, 31, 10, 0, 0, plus2),
            new(2026, 3, 31, 9, 50, 0, plus2),
            new(2026, 3, 31, 9, 10, 0, plus2),
            new(2026, 3, 31, 8, 30, 0, plus2),
            new(2026, 3, 31, 6, 59, 59, TimeSpan.Zero),
            new(2026, 3, 31, 5, 0, 1, TimeSpan.Zero),
            new(2026, 3, 30, 4, 59, 0, plus2),
            new(2026, 3, 29, 23, 0, 0, TimeSpan.FromHours(-5)),
            new(2026, 3, 4, 12, 0, 0, plus2),
            new(2026, 3, 3, 11, 0, 0, plus2),
            new(2026, 3, 2, 12, 0, 0, plus2),
            new(2026, 3, 1, 12, 0, 0, plus2),
            new(2026, 2, 27, 0, 0, 0, plus2),
            new(2099, 1, 1, 0, 0, 0, TimeSpan.Zero),
        ];
        foreach (var time in times)
        {
            await repo.BackupAsync(source, new BackupOptions { Time = time });
        }

        var snapshots = await repo.ListSnapshotsAsync();
        (RetentionPolicy Policy, string[] ResticArguments)[] cases =
        [
            (new RetentionPolicy { Hourly = 3 }, ["--keep-hourly", "3"]),
            (new RetentionPolicy { Hourly = 6 }, ["--keep-hourly", "6"]),
            (new RetentionPolicy { Within = RetentionDuration.Parse("1m") }, ["--keep-within", "1m"]),
            (new RetentionPolicy { Within = RetentionDuration.Parse("2d5h") }, ["--keep-within", "2d5h"]),
            (new RetentionPolicy { Within = RetentionDuration.Parse("1m1d") }, ["--keep-within", "1m1d"]),
            (new RetentionPolicy { Last = 1, Hourly = 2, Within = RetentionDuration.Parse("1d") }, ["--keep-last", "1", "--keep-hourly", "2", "--keep-within", "1d"]),
        ];
        foreach (var (policy, arguments) in cases)
        {
            var ours = Repository.ApplyPolicy(snapshots, policy).Kept.Select(s => s.Id.ToString()).Order().ToList();
            var theirs = ResticKeeps(repoPath, arguments);
            Assert.True(theirs.SequenceEqual(ours), $"{string.Join(' ', arguments)}: restic keeps {theirs.Count} ({Times(snapshots, theirs)}), we keep {ours.Count} ({Times(snapshots, ours)})");
            Assert.InRange(ours.Count, 1, times.Length - 1);
        }
    }

    [Fact]
    public void RetentionDuration_MonthBeforeMonthEnd_RunsOverLikeGo()
    {
        var latest = new DateTimeOffset(2026, 3, 31, 10, 0, 0, TimeSpan.FromHours(2));
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 10, 0, 0, TimeSpan.FromHours(2)), RetentionDuration.Parse("1m").SubtractFrom(latest));
        Assert.Equal(new DateTimeOffset(2025, 1, 30, 5, 0, 0, TimeSpan.FromHours(2)), RetentionDuration.Parse("1y2m1d5h").SubtractFrom(latest));
        Assert.Equal(new DateTimeOffset(2025, 12, 31, 10, 0, 0, TimeSpan.FromHours(2)), RetentionDuration.Parse("3m").SubtractFrom(latest));
        Assert.Equal(new RetentionDuration(0, 0, 2, 0), RetentionDuration.Parse("1d2d"));
        Assert.Equal(DateTimeOffset.MinValue, RetentionDuration.Parse("3000y").SubtractFrom(latest));
        Assert.Equal(DateTimeOffset.MinValue, RetentionDuration.Parse("2147483647d").SubtractFrom(latest));
        Assert.Throws<FormatException>(() => RetentionDuration.Parse("5"));
        Assert.Throws<FormatException>(() => RetentionDuration.Parse("5w"));
        Assert.Throws<FormatException>(() => RetentionDuration.Parse("d"));
        Assert.Throws<FormatException>(() => RetentionDuration.Parse(" "));
    }

    /// <summary>The IDs restic's <c>forget --dry-run --json</c> keeps with these options.</summary>
    /// <summary>A new repository at <paramref name="repoPath"/> (restic's test password) and a one-file folder to back up.</summary>
    private static async Task<Repository> OneFileRepositoryAsync(string repoPath, string source)
    {
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "a.txt"), "a");
        using var password = Secret.FromString(Restic.Password);
        return await Repository.InitAsync(new LocalBackend(repoPath), password, ResticCompatibilityTests.Fast);
    }

    private static List<string> ResticKeeps(string repoPath, params string[] options)
    {
        var output = Restic.Run(repoPath, ["--no-lock", "forget", "--dry-run", "--json", .. options]).EnsureSuccess("restic forget --dry-run").StandardOutput;
        using var doc = JsonDocument.Parse(output);
        return doc.RootElement.EnumerateArray().SelectMany(g => g.GetProperty("keep").EnumerateArray())
            .Select(s => s.GetProperty("id").GetString()!).Order().ToList();
    }

    private static string Times(IReadOnlyList<Snapshot> snapshots, List<string> ids) =>
        string.Join(", ", snapshots.Where(s => ids.Contains(s.Id.ToString())).Select(s => s.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
}
