using Keepsake.Primitives;
using Keepsake.Repository.Backends;
using Keepsake.Repository.Backends.Memory;
using Keepsake.Repository.Tests.Compatibility;
using Keepsake.Repository.Trees;
using Keepsake.TestKit;

namespace Keepsake.Repository.Tests;

/// <summary><see cref="Repository.RepairIndexAsync"/> and <see cref="Repository.RepairSnapshotsAsync"/> on damaged repositories.</summary>
public sealed class RepairTests
{
    private static async Task<(MemoryBackend Backend, Repository Repo, BackupResult Result, TempDirectory Dir)> CreateAsync()
    {
        var dir = new TempDirectory();
        var source = dir.Combine("src");
        TestData.CreateTree(source, seed: 47, files: 9);
        var backend = new MemoryBackend();
        var repo = await Repository.InitAsync(backend, Secret.FromString("pw"), ResticCompatibilityTests.Fast with { PackSize = 64 * 1024 });
        var result = await repo.BackupAsync(source);
        return (backend, repo, result, dir);
    }

    [Fact]
    public async Task RepairSnapshots_LostDataPack_DryRunWritesNothingThenFilesKeepWhatIsLeftAndCheckPasses()
    {
        var (backend, repo, result, dir) = await CreateAsync();
        using var _ = dir;
        using var __ = repo;
        var index = await repo.GetIndexAsync();
        var (lostPack, lostBlobs) = index.Packs.First(p => p.Value.All(b => b.Type == BlobType.Data));
        await backend.RemoveAsync(FileType.Pack, lostPack.ToString());

        // As restic advises: the index first (it drops the lost pack), then the snapshots.
        var reindexed = await repo.RepairIndexAsync();
        Assert.DoesNotContain(lostPack, (await repo.GetIndexAsync()).Packs.Keys);
        Assert.Empty(reindexed.UnreadablePacks);

        var dry = await repo.RepairSnapshotsAsync(forget: true, dryRun: true);
        var planned = Assert.Single(dry.Repairs);
        Assert.Null(planned.Repaired);
        Assert.Equal([result.Snapshot.Id], (await repo.ListSnapshotsAsync()).Select(s => s.Id));

        var done = await repo.RepairSnapshotsAsync(forget: true, dryRun: false);
        var repair = Assert.Single(done.Repairs);
        Assert.True(repair.OriginalRemoved);
        Assert.Equal(planned.Changes, repair.Changes);
        var repaired = Assert.Single(await repo.ListSnapshotsAsync());
        Assert.Equal(repair.Repaired!.Id, repaired.Id);
        Assert.Equal(result.Snapshot.Id, repaired.Original);
        Assert.True((await repo.CheckAsync(readData: true)).IsOk);

        // Every file that needed a lost blob is listed, keeps only what is left, and the rest is unchanged
        // (the original's trees are still stored: only its snapshot file was removed).
        var lost = lostBlobs.Select(b => b.Id).ToHashSet();
        var before = new Dictionary<string, Node>(StringComparer.Ordinal);
        await foreach (var entry in repo.EnumerateAsync(result.Snapshot))
        {
            before[entry.Path] = entry.Node;
        }

        await foreach (var entry in repo.EnumerateAsync(repaired))
        {
            if (entry.Node.Type != NodeType.File)
            {
                continue;
            }

            Assert.DoesNotContain(entry.Node.Content!, lost.Contains);
            var old = before[entry.Path];
            if (old.Content!.Any(lost.Contains))
            {
                Assert.Contains(repair.Changes, c => c.StartsWith(entry.Path + ": file: removed", StringComparison.Ordinal));
                Assert.True(entry.Node.Size < old.Size);
            }
            else
            {
                Assert.Equal(old.Content, entry.Node.Content);
                Assert.Equal(old.Size, entry.Node.Size);
            }

            await using var stream = repo.OpenFile(entry.Node);
            Assert.Equal((long)entry.Node.Size, await CountAsync(stream));
        }
    }

    [Fact]
    public async Task RepairSnapshots_DamagedSubtree_BecomesAnEmptyFolderAndTheRestIsKept()
    {
        var (backend, repo, result, dir) = await CreateAsync();
        using var _ = dir;
        using var __ = repo;
        var index = await repo.GetIndexAsync();
        string? damagedPath = null;
        ObjectId damagedTree = default;
        await foreach (var entry in repo.EnumerateAsync(result.Snapshot))
        {
            if (entry.Node is { Type: NodeType.Dir, Name: "dir1", Subtree: { } sub })
            {
                (damagedPath, damagedTree) = (entry.Path, sub);
            }
        }

        Assert.NotNull(damagedPath);
        var blob = index.Find(damagedTree, BlobType.Tree)!;
        backend.Corrupt(FileType.Pack, blob.PackId.ToString(), b => { b[blob.Offset + 20] ^= 1; return b; });

        var done = await repo.RepairSnapshotsAsync(forget: false, dryRun: false);
        var repair = Assert.Single(done.Repairs);
        Assert.False(repair.OriginalRemoved);
        Assert.Contains($"{damagedPath}: folder: its tree is damaged or missing; replaced with an empty folder", repair.Changes);
        Assert.Equal(2, (await repo.ListSnapshotsAsync()).Count);

        var paths = new List<string>();
        await foreach (var entry in repo.EnumerateAsync(repair.Repaired!))
        {
            paths.Add(entry.Path);
        }

        Assert.Contains(damagedPath, paths);
        Assert.DoesNotContain(paths, p => p.StartsWith(damagedPath + "/", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith("/dir0/sub/file0.bin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RepairSnapshots_DamagedIndexFile_RefusesUntilRepairIndex()
    {
        var (backend, repo, _, dir) = await CreateAsync();
        using var cleanup = dir;
        using var original = repo;
        var names = new List<string>();
        await foreach (var file in backend.ListAsync(FileType.Index))
        {
            names.Add(file.Name);
        }

        foreach (var name in names)
        {
            backend.Corrupt(FileType.Index, name, b => { b[b.Length / 2] ^= 1; return b; });
        }

        using var reopened = await Repository.OpenAsync(backend, Secret.FromString("pw"));
        var refused = await Assert.ThrowsAsync<RepositoryCorruptedException>(() => reopened.RepairSnapshotsAsync(forget: true, dryRun: false));
        Assert.Contains("repair index", refused.Message, StringComparison.Ordinal);

        await reopened.RepairIndexAsync();
        var done = await reopened.RepairSnapshotsAsync(forget: true, dryRun: false);
        Assert.Empty(done.Repairs);
        Assert.Equal(1, done.Intact);
    }

    private static async Task<long> CountAsync(Stream stream)
    {
        var buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            total += n;
        }

        return total;
    }
}
