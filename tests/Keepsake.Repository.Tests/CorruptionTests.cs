using Keepsake.Primitives;
using Keepsake.Repository.Backends;
using Keepsake.Repository.Backends.Memory;
using Keepsake.Repository.Tests.Compatibility;
using Keepsake.TestKit;

namespace Keepsake.Repository.Tests;

public sealed class CorruptionTests
{
    /// <summary>Loses every index file, as a damaged disk or a careless copy might.</summary>
    private static async Task RemoveAllIndexFilesAsync(IBackend backend)
    {
        foreach (var name in await ListAsync(backend, FileType.Index))
        {
            await backend.RemoveAsync(FileType.Index, name);
        }
    }

    private static async Task<(MemoryBackend Backend, Repository Repo, BackupResult Result, TempDirectory Dir)> CreateAsync()
    {
        var dir = new TempDirectory();
        var source = dir.Combine("src");
        TestData.CreateTree(source, seed: 31, files: 9);
        var backend = new MemoryBackend();
        var repo = await Repository.InitAsync(backend, Secret.FromString("pw"), ResticCompatibilityTests.Fast with { PackSize = 64 * 1024 });
        var result = await repo.BackupAsync(source);
        return (backend, repo, result, dir);
    }

    private static async Task<List<string>> ListAsync(IBackend backend, FileType type)
    {
        var names = new List<string>();
        await foreach (var f in backend.ListAsync(type))
        {
            names.Add(f.Name);
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    [Fact]
    public async Task FlippedByteInPacks_RestoreListsOnlyTheirFilesNamingThePack_CheckReportsEveryDamagedPack()
    {
        var (backend, repo, result, dir) = await CreateAsync();
        using var _ = dir;
        using var __ = repo;
        var index = await repo.GetIndexAsync();
        var dataPacks = index.Packs.Where(p => p.Value.All(b => b.Type == BlobType.Data)).Select(p => p.Key.ToString()).Order(StringComparer.Ordinal).Take(2).ToList();
        Assert.Equal(2, dataPacks.Count);
        foreach (var pack in dataPacks)
        {
            backend.Corrupt(FileType.Pack, pack, b => { b[20] ^= 0x40; return b; });
        }

        // Only the files whose first blob sits at offset 0 of a damaged pack are lost; the rest restore.
        var lost = dataPacks.Select(p => index.Packs[ObjectId.Parse(p)].First(b => b.Offset == 0).Id).ToHashSet();
        var restored = await repo.RestoreAsync(result.Snapshot, dir.Combine("out"));
        var damagedFiles = 0;
        await foreach (var entry in repo.EnumerateAsync(result.Snapshot))
        {
            var target = Path.Combine(dir.Combine("out"), entry.Path.TrimStart('/'));
            if (entry.Node.Type != Keepsake.Repository.Trees.NodeType.File)
            {
                continue;
            }

            if (entry.Node.Content!.Any(lost.Contains))
            {
                damagedFiles++;
                Assert.False(File.Exists(target), $"{entry.Path} was restored from a damaged blob");
                Assert.Contains(restored.Errors, m => m.StartsWith(entry.Path + ": not restored", StringComparison.Ordinal) && m.Contains("MAC", StringComparison.Ordinal) && dataPacks.Any(p => m.Contains(p, StringComparison.Ordinal)));
            }
            else
            {
                Assert.True(File.Exists(target), $"{entry.Path} was not restored");
            }
        }

        Assert.True(damagedFiles > 0);
        Assert.Equal(damagedFiles, restored.Errors.Count);

        var check = await repo.CheckAsync(readData: true);
        foreach (var pack in dataPacks)
        {
            Assert.Contains(check.Errors, p => p.ObjectId == pack && p.Message.Contains("hash", StringComparison.Ordinal));
            Assert.Contains(check.Errors, p => p.ObjectId == pack && p.Message.Contains("MAC", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task MissingPack_RestoreListsItsFilesNamingThePack_CheckReportsIt()
    {
        var (backend, repo, result, dir) = await CreateAsync();
        using var _ = dir;
        using var __ = repo;
        var index = await repo.GetIndexAsync();
        var pack = index.Packs.First(p => p.Value.All(b => b.Type == BlobType.Data)).Key.ToString();
        await backend.RemoveAsync(FileType.Pack, pack);

        var restored = await repo.RestoreAsync(result.Snapshot, dir.Combine("out"));
        Assert.NotEmpty(restored.Errors);
        Assert.All(restored.Errors, m => Assert.Contains($"pack {pack}: missing", m, StringComparison.Ordinal));
        Assert.True(restored.Files > 0, "the files in the other packs are restored");
        var e = await Assert.ThrowsAsync<RepositoryCorruptedException>(() => repo.LoadBlobAsync(BlobType.Data, index.Packs[ObjectId.Parse(pack)][0].Id));
        Assert.Equal(pack, e.ObjectId);
        var check = await repo.CheckAsync();
        Assert.Contains(check.Errors, p => p.ObjectType == "pack" && p.ObjectId == pack && p.Message.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingIndexFile_CheckReportsUnindexedBlobs()
    {
        var (backend, repo, _, dir) = await CreateAsync();
        using var __ = dir;
        using var ___ = repo;
        await RemoveAllIndexFilesAsync(backend);

        repo.InvalidateIndex();
        var check = await repo.CheckAsync();
        Assert.False(check.IsOk);
        Assert.Contains(check.Errors, p => p.ObjectType == "tree blob" && p.Message.Contains("not in any index", StringComparison.Ordinal));
        Assert.NotEmpty(check.Warnings);
    }

    [Fact]
    public async Task MissingIndexFiles_RestoreFindsBlobsInThePacks_CheckStillReports()
    {
        var (backend, repo, result, dir) = await CreateAsync();
        using var _ = dir;
        using var __ = repo;
        await RemoveAllIndexFilesAsync(backend);

        // A fresh open, as a user would after losing the index files: the snapshot still restores whole.
        using var reopened = await Repository.OpenAsync(backend, Secret.FromString("pw"));
        Assert.Empty((await reopened.GetIndexAsync()).Packs);
        var restored = dir.Combine("out");
        await reopened.RestoreAsync(result.Snapshot, restored, new RestoreOptions { SubPath = Path.GetFullPath(dir.Combine("src")) });
        TestData.AssertSameTree(dir.Combine("src"), restored);

        // ...but nothing pretends the repository is sound, and prune will not work from a partial index.
        var check = await reopened.CheckAsync();
        Assert.Contains(check.Errors, p => p.ObjectType == "tree blob" && p.Message.Contains("not in any index", StringComparison.Ordinal));
        var e = await Assert.ThrowsAsync<RepositoryCorruptedException>(() => reopened.PruneAsync());
        Assert.Contains("refusing to prune", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingIndexFilesAndPack_RestoreNamesTheBlobThatIsGone()
    {
        var (backend, repo, result, dir) = await CreateAsync();
        using var _ = dir;
        using var __ = repo;
        var index = await repo.GetIndexAsync();
        var lostPack = index.Packs.First(p => p.Value.All(b => b.Type == BlobType.Data));
        await RemoveAllIndexFilesAsync(backend);

        await backend.RemoveAsync(FileType.Pack, lostPack.Key.ToString());
        using var reopened = await Repository.OpenAsync(backend, Secret.FromString("pw"));
        var restored = await reopened.RestoreAsync(result.Snapshot, dir.Combine("out"));
        Assert.NotEmpty(restored.Errors);
        Assert.All(restored.Errors, m => Assert.Contains("not in any index file", m, StringComparison.Ordinal));
        Assert.Contains(restored.Errors, m => lostPack.Value.Any(b => m.Contains(b.Id.ToString(), StringComparison.Ordinal)));
        Assert.True(restored.Files > 0, "the files in the other packs are restored");
    }

    [Fact]
    public async Task DamagedIndexFile_SkippedAndNamed_RestoreReadsThePacksAndRepairIndexMendsIt()
    {
        var (backend, repo, result, dir) = await CreateAsync();
        using var _ = dir;
        using var __ = repo;
        var indexName = (await ListAsync(backend, FileType.Index))[0];
        backend.Corrupt(FileType.Index, indexName, b => { b[b.Length / 2] ^= 0x10; return b; });
        using var reopened = await Repository.OpenAsync(backend, Secret.FromString("pw"));
        var restored = dir.Combine("out");
        var restoreResult = await reopened.RestoreAsync(result.Snapshot, restored, new RestoreOptions { SubPath = Path.GetFullPath(dir.Combine("src")) });
        Assert.Empty(restoreResult.Errors);
        TestData.AssertSameTree(dir.Combine("src"), restored);
        var skipped = Assert.Single(reopened.SkippedDamagedFiles);
        Assert.Equal("index", skipped.ObjectType);
        Assert.Equal(indexName, skipped.ObjectId);
        await Assert.ThrowsAsync<RepositoryCorruptedException>(() => reopened.PruneAsync());

        var repair = await reopened.RepairIndexAsync();
        Assert.Contains(indexName, repair.IndexFilesRemoved);
        Assert.Empty(repair.UnreadablePacks);
        Assert.Empty(reopened.SkippedDamagedFiles);
        Assert.True((await reopened.CheckAsync(readData: true)).IsOk);
    }

    [Fact]
    public async Task DamagedIndexAndSnapshot_CheckReportsBoth()
    {
        var (backend, repo, result, dir) = await CreateAsync();
        using var _ = dir;
        using var __ = repo;
        var indexName = (await ListAsync(backend, FileType.Index))[0];
        backend.Corrupt(FileType.Index, indexName, b => { b[^1] ^= 1; return b; });
        backend.Corrupt(FileType.Snapshot, result.Snapshot.Id.ToString(), b => b[..^3]);
        repo.InvalidateIndex();
        var check = await repo.CheckAsync();
        Assert.Contains(check.Errors, p => p.ObjectType == "index" && p.ObjectId == indexName);
        Assert.Contains(check.Errors, p => p.ObjectType == "snapshot" && p.ObjectId == result.Snapshot.Id.ToString());
    }
}
