using System.Text.Json;
using Keepsake.Primitives;
using Keepsake.Repository.Backends.Local;
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
        var repoPath = dir.Combine("repo");
        var source = dir.Combine("source");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "a.txt"), "a");
        using var password = Secret.FromString(Restic.Password);
        using var repo = await Repository.InitAsync(new LocalBackend(repoPath), password, ResticCompatibilityTests.Fast);
        var start = new DateTimeOffset(2025, 12, 20, 8, 0, 0, TimeSpan.Zero);
        var offsetsHours = new[] { 0, 5, 26, 30, 50, 75, 100, 170, 200, 400, 800, 1500, 3000, 9000 };
        foreach (var h in offsetsHours)
        {
            await repo.BackupAsync(source, new BackupOptions { Time = start.AddHours(h), Tags = h == 400 ? ["keep-me"] : [] });
        }

        var policy = new RetentionPolicy { Last = 2, Daily = 3, Weekly = 2, Monthly = 2, Yearly = 1, Tags = ["keep-me"] };
        var ours = Repository.ApplyPolicy(await repo.ListSnapshotsAsync(), policy).Kept.Select(s => s.Id.ToString()).Order().ToList();

        var output = Restic.Run(repoPath, "--no-lock", "forget", "--dry-run", "--json", "--keep-last", "2", "--keep-daily", "3", "--keep-weekly", "2",
            "--keep-monthly", "2", "--keep-yearly", "1", "--keep-tag", "keep-me").EnsureSuccess("restic forget --dry-run").StandardOutput;
        using var doc = JsonDocument.Parse(output);
        var theirs = doc.RootElement.EnumerateArray().SelectMany(g => g.GetProperty("keep").EnumerateArray())
            .Select(s => s.GetProperty("id").GetString()!).Order().ToList();
        Assert.Equal(theirs, ours);
        Assert.True(ours.Count < offsetsHours.Length);
    }
}
