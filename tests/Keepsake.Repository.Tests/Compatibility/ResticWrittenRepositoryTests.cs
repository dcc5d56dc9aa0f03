using Keepsake.Primitives;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Chunking;
using Keepsake.TestKit;

namespace Keepsake.Repository.Tests.Compatibility;

public sealed class ResticWrittenRepositoryTests
{
    [ToolFact("restic")]
    public async Task Open_ResticRepoWithTwoBackups_ListsChecksAndRestoresByteIdentical()
    {
        using var dir = new TempDirectory();
        var repoPath = dir.Combine("repo");
        var source = dir.Combine("source");
        TestData.CreateTree(source, seed: 7);
        Restic.Run(repoPath, "init").EnsureSuccess("restic init");
        Restic.Run(repoPath, "backup", "--host", "resticbox", "--tag", "first", source).EnsureSuccess("restic backup 1");
        var firstCopy = dir.Combine("first-copy");
        CopyFolder(source, firstCopy);
        File.WriteAllText(Path.Combine(source, "dir2", "later.txt"), "second backup");
        File.Delete(Path.Combine(source, "dir1", "file1.bin"));
        Restic.Run(repoPath, "backup", "--host", "resticbox", source).EnsureSuccess("restic backup 2");

        using var password = Secret.FromString(Restic.Password);
        using var repo = await Repository.OpenAsync(new LocalBackend(repoPath), password);
        var snapshots = await repo.ListSnapshotsAsync();
        Assert.Equal(2, snapshots.Count);
        Assert.All(snapshots, s => Assert.Equal("resticbox", s.Hostname));
        Assert.Equal(["first"], snapshots[0].Tags);

        var check = await repo.CheckAsync(readData: true);
        Assert.True(check.IsOk, string.Join('\n', check.Errors));

        var full = Path.GetFullPath(source);
        var restored1 = dir.Combine("restored1");
        await repo.RestoreAsync(snapshots[0], restored1, new RestoreOptions { SubPath = full });
        TestData.AssertSameTree(firstCopy, restored1);
        var restored2 = dir.Combine("restored2");
        await repo.RestoreAsync(snapshots[1], restored2);
        TestData.AssertSameTree(source, Path.Combine(restored2, full.TrimStart('/')));

        // Our tree serializer writes restic's bytes for restic's trees (times compared at 100 ns).
        var trees = 0;
        await foreach (var entry in repo.EnumerateAsync(snapshots[1]))
        {
            if (entry.Node is { Type: Keepsake.Repository.Trees.NodeType.Dir, Subtree: { } treeId })
            {
                var raw = System.Text.Encoding.UTF8.GetString(await repo.LoadBlobAsync(BlobType.Tree, treeId));
                var reserialized = System.Text.Encoding.UTF8.GetString(Keepsake.Repository.Trees.TreeJson.Serialize(Keepsake.Repository.Trees.TreeJson.Parse(System.Text.Encoding.UTF8.GetBytes(raw), treeId)));
                Assert.Equal(NormalizeTimes(raw), NormalizeTimes(reserialized));
                trees++;
            }
        }

        Assert.True(trees >= 4);

        // Read API: one file as a lazy stream.
        await using var stream = await repo.OpenFileAsync(snapshots[1], full + "/dir2/later.txt");
        using var reader = new StreamReader(stream);
        Assert.Equal("second backup", await reader.ReadToEndAsync());

        // Diff agrees with restic's.
        var ours = (await repo.DiffAsync(snapshots[0], snapshots[1])).Select(c => c.ToString()).ToList();
        var theirs = Restic.Run(repoPath, "--no-lock", "diff", snapshots[0].Id.ToString(), snapshots[1].Id.ToString()).EnsureSuccess("restic diff")
            .StandardOutput.Split('\n').Where(l => l.Length > 5 && l[0] is '+' or '-' or 'M' or 'T' && l[1] is ' ' or 'M').ToList();
        Assert.NotEmpty(ours);
        Assert.Equal(theirs, ours);
    }

    [ToolFact("restic")]
    public async Task Chunker_ResticPolynomial_MatchesResticBoundaries()
    {
        using var dir = new TempDirectory();
        var repoPath = dir.Combine("repo");
        var source = dir.Combine("source");
        Directory.CreateDirectory(source);
        var file = Path.Combine(source, "big.bin");
        TestData.CreateRandomFile(file, 20 * 1024 * 1024, seed: 42);
        Restic.Run(repoPath, "init").EnsureSuccess("restic init");
        Restic.Run(repoPath, "backup", source).EnsureSuccess("restic backup");

        using var password = Secret.FromString(Restic.Password);
        using var repo = await Repository.OpenAsync(new LocalBackend(repoPath), password);
        var snapshot = (await repo.ListSnapshotsAsync()).Single();
        var node = await repo.FindNodeAsync(snapshot, Path.GetFullPath(file));
        Assert.NotNull(node?.Content);
        var index = await repo.GetIndexAsync();
        var theirs = node.Content.Select(id => (id, index.Find(id, BlobType.Data)!.PlaintextLength)).ToList();

        var ours = new List<(ObjectId, int)>();
        await using (var stream = File.OpenRead(file))
        {
            using var reader = new ChunkReader(stream, repo.Polynomial);
            while (await reader.NextAsync() is { } chunk)
            {
                ours.Add((ObjectId.Hash(chunk), chunk.Length));
            }
        }

        Assert.True(theirs.Count > 5, $"expected many chunks, got {theirs.Count}");
        Assert.Equal(theirs, ours);
    }

    private static string NormalizeTimes(string json) =>
        System.Text.RegularExpressions.Regex.Replace(json, @"(\d{2}:\d{2}:\d{2})(\.\d+)?", m =>
        {
            var fraction = m.Groups[2].Success ? m.Groups[2].Value[1..] : string.Empty;
            fraction = fraction.Length > 7 ? fraction[..7] : fraction;
            fraction = fraction.TrimEnd('0');
            return m.Groups[1].Value + (fraction.Length > 0 ? "." + fraction : string.Empty);
        });

    private static void CopyFolder(string from, string to)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(from, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, path));
            var info = new FileInfo(path);
            if (info.LinkTarget is { } link)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.CreateSymbolicLink(target, link);
            }
            else if (Directory.Exists(path))
            {
                Directory.CreateDirectory(target);
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(path, target);
            }
        }
    }
}
