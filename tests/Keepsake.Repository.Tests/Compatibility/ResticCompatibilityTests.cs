using System.Text.Json;
using Keepsake.Primitives;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Crypto;
using Keepsake.TestKit;

namespace Keepsake.Repository.Tests.Compatibility;

public sealed class ResticCompatibilityTests
{
    internal static readonly RepositoryOptions Fast = new() { KdfParameters = KdfParameters.Fast, Hostname = "keepsake-test-host" };

    [ToolFact("restic")]
    public async Task Init_ThenResticCheck_Passes()
    {
        using var dir = new TempDirectory();
        var repoPath = dir.Combine("repo");
        using var password = Secret.FromString(Restic.Password);
        using (await Repository.InitAsync(new LocalBackend(repoPath), password, Fast))
        {
        }

        Restic.Check(repoPath);
        var cat = Restic.Run(repoPath, "cat", "config").EnsureSuccess("restic cat config");
        Assert.Contains("\"version\": 2", cat.StandardOutput, StringComparison.Ordinal);
    }

    [ToolFact("restic")]
    public async Task Init_DefaultOptions_KeyCostsAtLeastResticsAndResticOpensIt()
    {
        using var dir = new TempDirectory();
        var repoPath = dir.Combine("repo");
        using var password = Secret.FromString(Restic.Password);
        using (await Repository.InitAsync(new LocalBackend(repoPath), password, new RepositoryOptions { Hostname = "keepsake-test-host" }))
        {
        }

        var key = Assert.Single(Directory.GetFiles(Path.Combine(repoPath, "keys")));
        using var json = JsonDocument.Parse(File.ReadAllBytes(key));
        var root = json.RootElement;
        Assert.Equal("scrypt", root.GetProperty("kdf").GetString());
        var n = root.GetProperty("N").GetInt32();
        Assert.True(n >= 32768 && (n & (n - 1)) == 0, $"N = {n}");
        Assert.True(root.GetProperty("r").GetInt32() >= 8, $"r = {root.GetProperty("r").GetInt32()}");
        Assert.True(root.GetProperty("p").GetInt32() >= 4, $"p = {root.GetProperty("p").GetInt32()}");

        Restic.Check(repoPath);
        Restic.Run(repoPath, "cat", "config").EnsureSuccess("restic cat config");
    }

    [ToolFact("restic")]
    public async Task Backup_ThenResticCheckAndRestore_ByteIdentical()
    {
        using var dir = new TempDirectory();
        var repoPath = dir.Combine("repo");
        var source = dir.Combine("source");
        TestData.CreateTree(source, seed: 1);
        using var password = Secret.FromString(Restic.Password);
        using var repo = await Repository.InitAsync(new LocalBackend(repoPath), password, Fast);
        var first = await repo.BackupAsync(source, new BackupOptions { Host = "iphone-of-ann", Tags = ["udid:abc", "ios:17.4"] });
        File.WriteAllText(Path.Combine(source, "dir1", "added.txt"), "new file");
        File.Delete(Path.Combine(source, "dir0", "sub", "file0.bin"));
        var second = await repo.BackupAsync(source, new BackupOptions { Host = "iphone-of-ann", Tags = ["udid:abc"] });
        Assert.Equal(first.Snapshot.Id, second.Snapshot.Parent);
        Assert.True(second.FilesUnmodified > 0);
        Assert.Equal(0, second.BytesRead - "new file".Length);

        Restic.Check(repoPath);

        var restored = dir.Combine("restored");
        Restic.Run(repoPath, "--no-lock", "restore", second.Snapshot.Id.ToString(), "--target", restored).EnsureSuccess("restic restore");
        TestData.AssertSameTree(source, Path.Combine(restored, Path.GetFullPath(source).TrimStart('/')));

        var json = Restic.Run(repoPath, "--no-lock", "snapshots", "--json").EnsureSuccess("restic snapshots").StandardOutput;
        using var doc = JsonDocument.Parse(json);
        var snapshots = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, snapshots.Count);
        Assert.All(snapshots, s => Assert.Equal("iphone-of-ann", s.GetProperty("hostname").GetString()));
        Assert.All(snapshots, s => Assert.Equal(Path.GetFullPath(source), s.GetProperty("paths")[0].GetString()));
        Assert.Contains(snapshots, s => s.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).SequenceEqual(["udid:abc", "ios:17.4"]));
    }

    [ToolFact("restic")]
    public async Task DiffAsync_KeepsakeWrittenSnapshots_SameLinesAsResticDiff()
    {
        using var dir = new TempDirectory();
        var repoPath = dir.Combine("repo");
        var source = dir.Combine("source");
        TestData.CreateTree(source, seed: 21);
        Directory.CreateDirectory(Path.Combine(source, "gone", "deeper"));
        File.WriteAllText(Path.Combine(source, "gone", "deeper", "x.txt"), "x");
        File.WriteAllText(Path.Combine(source, "becomes-dir"), "a file first");
        using var password = Secret.FromString(Restic.Password);
        using var repo = await Repository.InitAsync(new LocalBackend(repoPath), password, Fast);
        var first = await repo.BackupAsync(source);

        // Added, removed (with contents), content changed, same content rewritten, type changed both ways.
        File.WriteAllText(Path.Combine(source, "dir1", "added.txt"), "new file");
        Directory.CreateDirectory(Path.Combine(source, "newdir", "sub"));
        File.WriteAllText(Path.Combine(source, "newdir", "sub", "y.txt"), "y");
        File.Delete(Path.Combine(source, "dir0", "sub", "file0.bin"));
        Directory.Delete(Path.Combine(source, "gone"), recursive: true);
        File.AppendAllText(Path.Combine(source, "dir1", "file1.bin"), "more");
        File.WriteAllBytes(Path.Combine(source, "dir2", "sub", "file2.bin"), File.ReadAllBytes(Path.Combine(source, "dir2", "sub", "file2.bin")));
        File.Delete(Path.Combine(source, "becomes-dir"));
        Directory.CreateDirectory(Path.Combine(source, "becomes-dir"));
        Directory.Delete(Path.Combine(source, "emptydir"));
        File.WriteAllText(Path.Combine(source, "emptydir"), "now a file");
        var second = await repo.BackupAsync(source);

        var ours = (await repo.DiffAsync(first.Snapshot, second.Snapshot)).Select(c => c.ToString()).ToList();
        var theirs = Restic.Run(repoPath, "--no-lock", "diff", first.Snapshot.Id.ToString(), second.Snapshot.Id.ToString()).EnsureSuccess("restic diff")
            .StandardOutput.Split('\n').Where(l => l.Length > 5 && l[0] is '+' or '-' or 'M' or 'T' && l[1] is ' ' or 'M').ToList();
        Assert.Equal(theirs, ours);
        Assert.Contains(ours, l => l.StartsWith('T'));
        Assert.Contains(ours, l => l.StartsWith('M'));
        Assert.Contains(ours, l => l.StartsWith('-') && l.EndsWith("/gone/deeper/x.txt", StringComparison.Ordinal));
        Assert.DoesNotContain(ours, l => l.EndsWith("file2.bin", StringComparison.Ordinal));
    }

    [ToolFact("restic")]
    public async Task BackupAsync_TimeAtPositiveUtcOffset_ResticReadsTheSnapshot()
    {
        // Go parses a time from the raw JSON text: "+02:00" must not be written as "\u002B02:00".
        using var dir = new TempDirectory();
        var repoPath = dir.Combine("repo");
        var source = dir.Combine("source");
        TestData.CreateTree(source, seed: 13, files: 2);
        using var password = Secret.FromString(Restic.Password);
        using var repo = await Repository.InitAsync(new LocalBackend(repoPath), password, Fast);
        var time = new DateTimeOffset(2026, 7, 1, 9, 30, 15, TimeSpan.FromHours(5.5));
        var result = await repo.BackupAsync(source, new BackupOptions { Time = time, Host = "café & <phone>", Tags = ["a+b"] });

        var listed = Restic.Run(repoPath, "--no-lock", "snapshots", "--json").EnsureSuccess("restic snapshots");
        Assert.DoesNotContain("could not load", listed.StandardError, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(listed.StandardOutput);
        var snapshot = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal(result.Snapshot.Id.ToString(), snapshot.GetProperty("id").GetString());
        Assert.Equal(time, DateTimeOffset.Parse(snapshot.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("café & <phone>", snapshot.GetProperty("hostname").GetString());
        Assert.Equal("a+b", snapshot.GetProperty("tags")[0].GetString());
    }

    [ToolFact("restic")]
    public async Task BackupAsync_PathInSnapshot_ResticRestoresUnderThatPath()
    {
        using var dir = new TempDirectory();
        var repoPath = dir.Combine("repo");
        var source = dir.Combine("staging-123");
        TestData.CreateTree(source, seed: 12, files: 4);
        using var password = Secret.FromString(Restic.Password);
        using var repo = await Repository.InitAsync(new LocalBackend(repoPath), password, Fast);
        var result = await repo.BackupAsync(source, new BackupOptions { PathInSnapshot = "/Backup/00008030-001A", Host = "ann-iphone" });
        Assert.Equal(["/Backup/00008030-001A"], result.Snapshot.Paths);
        await using (var stream = await repo.OpenFileAsync(result.Snapshot, "/Backup/00008030-001A/empty.txt"))
        {
            Assert.Equal(0, stream.Length);
        }

        Restic.Check(repoPath);
        var restored = dir.Combine("restored");
        Restic.Run(repoPath, "--no-lock", "restore", "latest", "--target", restored).EnsureSuccess("restic restore");
        TestData.AssertSameTree(source, Path.Combine(restored, "Backup", "00008030-001A"));
        await Assert.ThrowsAsync<ArgumentException>(() => repo.BackupAsync(source, new BackupOptions { PathInSnapshot = "relative/x" }));
    }
}
