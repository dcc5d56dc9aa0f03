using Keepsake.Primitives;
using Keepsake.Repository.Backends;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Backends.Memory;
using Keepsake.Repository.Tests.Compatibility;
using Keepsake.TestKit;

namespace Keepsake.Repository.Tests;

public sealed class RepositoryTests
{
    [Fact]
    public async Task OpenAsync_WrongPassword_ThrowsWrongPasswordNamingNoSecret()
    {
        var backend = new MemoryBackend();
        using (await Repository.InitAsync(backend, Secret.FromString("right one"), ResticCompatibilityTests.Fast))
        {
        }

        var e = await Assert.ThrowsAsync<WrongPasswordException>(() => Repository.OpenAsync(backend, Secret.FromString("wrong guess")));
        Assert.Equal(1, e.KeysTried);
        Assert.DoesNotContain("wrong guess", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("right one", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitAsync_ExistingRepository_Throws()
    {
        var backend = new MemoryBackend();
        using (await Repository.InitAsync(backend, Secret.FromString("pw"), ResticCompatibilityTests.Fast))
        {
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => Repository.InitAsync(backend, Secret.FromString("pw"), ResticCompatibilityTests.Fast));
    }

    [Fact]
    public async Task AddKeyAsync_SecondPassword_OpensAndCanBeRemoved()
    {
        var backend = new MemoryBackend();
        using var repo = await Repository.InitAsync(backend, Secret.FromString("first"), ResticCompatibilityTests.Fast);
        var second = await repo.AddKeyAsync(Secret.FromString("second"));
        Assert.Equal(2, (await repo.ListKeysAsync()).Count);
        using (var viaSecond = await Repository.OpenAsync(backend, Secret.FromString("second")))
        {
            Assert.Equal(repo.Id, viaSecond.Id);
            Assert.Equal(second, viaSecond.KeyId);
            await Assert.ThrowsAsync<InvalidOperationException>(() => viaSecond.RemoveKeyAsync(second));
        }

        await repo.RemoveKeyAsync(second);
        await Assert.ThrowsAsync<WrongPasswordException>(() => Repository.OpenAsync(backend, Secret.FromString("second")));
    }

    [Fact]
    public async Task BackupAsync_MemoryBackend_EnumerateAndOpenFileMatchSource()
    {
        using var dir = new TempDirectory();
        var source = dir.Combine("src");
        TestData.CreateTree(source, seed: 21, files: 6);
        TestData.CreateRandomFile(Path.Combine(source, "big.bin"), 3 * 1024 * 1024, seed: 8);
        using var repo = await Repository.InitAsync(new MemoryBackend(), Secret.FromString("pw"), ResticCompatibilityTests.Fast);
        var result = await repo.BackupAsync(source);
        var full = Path.GetFullPath(source);
        var files = new List<SnapshotEntry>();
        await foreach (var entry in repo.EnumerateAsync(result.Snapshot, full))
        {
            files.Add(entry);
        }

        var expected = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(p => new FileInfo(p).LinkTarget is null).ToList();
        Assert.Equal(expected.Count, files.Count(f => f.Node.Type == Keepsake.Repository.Trees.NodeType.File));
        foreach (var path in expected)
        {
            await using var stream = await repo.OpenFileAsync(result.Snapshot, path);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.Equal(File.ReadAllBytes(path), copy.ToArray());
        }
    }

    [Fact]
    public async Task BackupAsync_Unchanged_ReadsNothingAndAddsNoDataBlob()
    {
        using var dir = new TempDirectory();
        var source = dir.Combine("src");
        TestData.CreateTree(source, seed: 22, files: 6);
        using var repo = await Repository.InitAsync(new MemoryBackend(), Secret.FromString("pw"), ResticCompatibilityTests.Fast);
        var first = await repo.BackupAsync(source);
        var dataBlobs = (await repo.GetIndexAsync()).Blobs.Count(b => b.Type == BlobType.Data);
        var second = await repo.BackupAsync(source);
        Assert.Equal(0, second.BytesRead);
        Assert.Equal(first.FilesNew, second.FilesUnmodified);
        Assert.Equal(dataBlobs, (await repo.GetIndexAsync()).Blobs.Count(b => b.Type == BlobType.Data));
    }

    [Fact]
    public async Task BackupAsync_FreshlyWrittenTree_LeavesAccessTimesAndSecondTreeIdentical()
    {
        // Freshly written files and folders have atime <= mtime, so a relatime mount updates their atime on the
        // first read. A backup must not (restic opens with O_NOATIME too), or the next snapshot's trees all differ.
        // (A symlink's atime is updated by readlink whatever the caller does; only its recorded node must be stable.)
        using var dir = new TempDirectory();
        var source = dir.Combine("src");
        TestData.CreateTree(source, seed: 23, files: 6);
        var old = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var paths = Directory.EnumerateFileSystemEntries(source, "*", SearchOption.AllDirectories).Append(source)
            .Where(path => new FileInfo(path).LinkTarget is null).ToList();
        foreach (var path in paths)
        {
            File.SetLastAccessTimeUtc(path, old);
        }

        using var repo = await Repository.InitAsync(new MemoryBackend(), Secret.FromString("pw"), ResticCompatibilityTests.Fast);
        var first = await repo.BackupAsync(source);

        Assert.All(paths, path => Assert.Equal(old, File.GetLastAccessTimeUtc(path)));
        var second = await repo.BackupAsync(source);

        // The folder's own tree, not the root: the folders above it (the shared temp folder) change meanwhile.
        var full = Path.GetFullPath(source);
        Assert.Equal((await repo.FindNodeAsync(first.Snapshot, full))!.Subtree, (await repo.FindNodeAsync(second.Snapshot, full))!.Subtree);
    }

    [Fact]
    public async Task LockAsync_ExclusiveWhileSharedHeld_ThrowsLocked_StaleLockIgnored()
    {
        using var repo = await Repository.InitAsync(new MemoryBackend(), Secret.FromString("pw"), ResticCompatibilityTests.Fast);
        await using (await repo.LockAsync(exclusive: false))
        {
            await Assert.ThrowsAsync<RepositoryLockedException>(() => repo.LockAsync(exclusive: true));
            await using (await repo.LockAsync(exclusive: false))
            {
            }
        }

        // A lock of a dead process on this host is stale: an exclusive lock succeeds and removes it.
        var dead = new Locks.LockInfo { Time = DateTimeOffset.Now, Exclusive = true, Hostname = repo.Options.Hostname, Pid = int.MaxValue - 1 };
        await repo.SaveUnpackedAsync(FileType.Lock, dead.ToJson(), default);
        await using (await repo.LockAsync(exclusive: true))
        {
        }

        Assert.Empty(await repo.ListLocksAsync());
    }

    [Fact]
    public async Task RestoreAsync_IntoFolder_WritesNoTempFilesAndSameContent()
    {
        using var dir = new TempDirectory();
        var source = dir.Combine("src");
        TestData.CreateTree(source, seed: 23, files: 5);
        using var repo = await Repository.InitAsync(new LocalBackend(dir.Combine("repo")), Secret.FromString("pw"), ResticCompatibilityTests.Fast);
        var result = await repo.BackupAsync(source);
        var target = dir.Combine("out");
        var restore = await repo.RestoreAsync(result.Snapshot, target, new RestoreOptions { SubPath = Path.GetFullPath(source) });
        Assert.Empty(restore.Errors);
        TestData.AssertSameTree(source, target);
        Assert.DoesNotContain(Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories), p => p.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BackupAsync_ManyPacks_WritesIntermediateIndexFiles()
    {
        using var dir = new TempDirectory();
        var source = dir.Combine("src");
        Directory.CreateDirectory(source);
        for (var i = 0; i < 40; i++)
        {
            TestData.CreateRandomFile(Path.Combine(source, $"f{i}.bin"), 100_000, seed: i);
        }

        var backend = new MemoryBackend();
        using var repo = await Repository.InitAsync(backend, Secret.FromString("pw"), ResticCompatibilityTests.Fast with { PackSize = 64 * 1024 });
        await repo.BackupAsync(source);
        var indexFiles = 0;
        await foreach (var _ in backend.ListAsync(FileType.Index))
        {
            indexFiles++;
        }

        var packs = 0;
        await foreach (var _ in backend.ListAsync(FileType.Pack))
        {
            packs++;
        }

        Assert.True(indexFiles >= 2, $"expected an intermediate index file, got {indexFiles} index file(s) for {packs} packs");
        Assert.True((await repo.CheckAsync(readData: true)).IsOk);
    }
}
