using Keepsake.Primitives;
using Keepsake.Repository.Backends;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Tests.Compatibility;
using Keepsake.Repository.Trees;
using Keepsake.TestKit;

namespace Keepsake.Repository.Tests;

/// <summary>Content pushed into the vault: the same chunks as a backup from disk, kept for the next run when no snapshot is recorded.</summary>
public sealed class SnapshotWriterTests
{
    [Fact]
    public async Task CreateFile_InOddSizedWrites_SameChunksAsABackupOfTheFileFromDisk()
    {
        using var dir = new TempDirectory();
        var bytes = Random(5_000_000, 3);
        Directory.CreateDirectory(dir.Combine("src"));
        File.WriteAllBytes(dir.Combine("src", "f.bin"), bytes);
        using var repo = await Repository.InitAsync(new LocalBackend(dir.Combine("vault")), Secret.FromString(Restic.Password), ResticCompatibilityTests.Fast with { PackSize = 1024 * 1024 });
        var fromDisk = await repo.BackupAsync(dir.Combine("src"));
        var diskNode = await repo.FindNodeAsync(fromDisk.Snapshot, dir.Combine("src", "f.bin"));

        IReadOnlyList<ObjectId> content;
        long added;
        await using (var writer = await repo.OpenSnapshotWriterAsync())
        {
            var file = writer.CreateFile();
            for (var offset = 0; offset < bytes.Length;)
            {
                var n = Math.Min(bytes.Length - offset, 1 + (offset % 70_001));
                await file.WriteAsync(bytes.AsMemory(offset, n));
                offset += n;
            }

            (content, var size) = await file.CompleteAsync();
            Assert.Equal(bytes.Length, size);
            var node = new Node { Name = "f.bin", Type = NodeType.File, Mode = 0x180, Size = (ulong)size, Content = content };
            var tree = await writer.SaveTreeAsync(new Tree([node]));
            var snapshot = await writer.CommitAsync(new Snapshot { Time = DateTimeOffset.Now, Tree = tree, Paths = ["/pushed"] });
            added = writer.BytesAdded;
            using var read = await repo.OpenFileAsync(snapshot, "f.bin");
            using var memory = new MemoryStream();
            await read.CopyToAsync(memory);
            Assert.Equal(bytes, memory.ToArray());
        }

        Assert.Equal(diskNode!.Content, content);
        Assert.True(added < 10_000, $"only the new tree is stored, not the file again: {added} bytes");
        Restic.Run(dir.Combine("vault"), "check", "--read-data").EnsureSuccess("restic check");
    }

    [Fact]
    public async Task DisposeAsync_WithoutCommit_StoredContentIsIndexedThenPruneKeepsItOnlyWithinTheGracePeriod()
    {
        using var dir = new TempDirectory();
        var bytes = Random(3_000_000, 4);
        using var repo = await Repository.InitAsync(new LocalBackend(dir.Combine("vault")), Secret.FromString(Restic.Password), ResticCompatibilityTests.Fast with { PackSize = 1024 * 1024 });
        IReadOnlyList<ObjectId> content;
        await using (var writer = await repo.OpenSnapshotWriterAsync())
        {
            var file = writer.CreateFile();
            await file.WriteAsync(bytes);
            (content, _) = await file.CompleteAsync();
        }

        Assert.Empty(await repo.ListSnapshotsAsync());
        using (var reopened = await Repository.OpenAsync(new LocalBackend(dir.Combine("vault")), Secret.FromString(Restic.Password), ResticCompatibilityTests.Fast))
        {
            var index = await reopened.GetIndexAsync();
            Assert.All(content, id => Assert.True(index.Contains(id, BlobType.Data)));
            await using var again = await reopened.OpenSnapshotWriterAsync();
            var file = again.CreateFile();
            await file.WriteAsync(bytes);
            await file.CompleteAsync();
            Assert.Equal(0, again.BytesAdded);
        }

        var kept = await repo.PruneAsync(TimeSpan.FromHours(1));
        Assert.Equal(0, kept.PacksRemoved);
        Assert.True(await Count(dir.Combine("vault"), FileType.Pack) > 0);
        var pruned = await repo.PruneAsync();
        Assert.True(pruned.PacksRemoved > 0);
        Assert.Equal(0, await Count(dir.Combine("vault"), FileType.Pack));
    }

    [Fact]
    public async Task OpenSnapshotWriterAsync_PacksStoredButNeverIndexed_AreIndexedAndTheirContentNotStoredAgain()
    {
        using var dir = new TempDirectory();
        var bytes = Random(3_000_000, 5);
        var vault = dir.Combine("vault");
        using (var repo = await Repository.InitAsync(new LocalBackend(vault), Secret.FromString(Restic.Password), ResticCompatibilityTests.Fast with { PackSize = 1024 * 1024 }))
        {
            await using var writer = await repo.OpenSnapshotWriterAsync();
            var file = writer.CreateFile();
            await file.WriteAsync(bytes);
            await file.CompleteAsync();
        }

        // As after a kill between storing packs and indexing them.
        var backend = new LocalBackend(vault);
        await foreach (var index in backend.ListAsync(FileType.Index))
        {
            await backend.RemoveAsync(FileType.Index, index.Name);
        }

        using var reopened = await Repository.OpenAsync(new LocalBackend(vault), Secret.FromString(Restic.Password), ResticCompatibilityTests.Fast);
        await using var again = await reopened.OpenSnapshotWriterAsync();
        var second = again.CreateFile();
        await second.WriteAsync(bytes);
        await second.CompleteAsync();

        Assert.Equal(0, again.BytesAdded);
        Assert.True(await Count(vault, FileType.Index) > 0);
    }

    [Fact]
    public async Task OpenSnapshotWriterAsync_UnfinishedFilesOfAKilledWriter_RemovedOnlyOnceNoOtherWriterHoldsALock()
    {
        using var dir = new TempDirectory();
        var vault = dir.Combine("vault");
        using var repo = await Repository.InitAsync(new LocalBackend(vault), Secret.FromString(Restic.Password), ResticCompatibilityTests.Fast);
        var id = new string('a', 64);
        var unfinished = new[]
        {
            Path.Combine(vault, "data", "aa", id + "-tmp-0123456789ab"),
            Path.Combine(vault, "index", id + "-tmp-0123456789ab"),
            Path.Combine(vault, "snapshots", id + "-tmp-0123456789ab"),
        };
        var notOurs = new[]
        {
            Path.Combine(vault, "locks", id + "-tmp-0123456789ab"),
            Path.Combine(vault, "data", "aa", "notes-tmp-0123456789ab"),
        };
        foreach (var path in unfinished.Concat(notOurs))
        {
            File.WriteAllBytes(path, Random(100_000, 6));
        }

        // Another live writer (its lock is fresh and its process runs) may still be writing them.
        using (var other = await Repository.OpenAsync(new LocalBackend(vault), Secret.FromString(Restic.Password), ResticCompatibilityTests.Fast))
        {
            await using var otherLock = await other.LockAsync(exclusive: false);
            await using (await repo.OpenSnapshotWriterAsync())
            {
            }

            Assert.All(unfinished, path => Assert.True(File.Exists(path), $"{path} was removed while another writer held a lock"));
        }

        await using (await repo.OpenSnapshotWriterAsync())
        {
            Assert.All(unfinished, path => Assert.False(File.Exists(path), $"{path} is left over"));
        }

        Assert.All(notOurs, path => Assert.True(File.Exists(path), $"{path} is not an unfinished vault file and must stay"));
        File.Delete(notOurs[0]);
        File.Delete(notOurs[1]);
        Restic.Run(vault, "check").EnsureSuccess("restic check");
    }

    private static async Task<int> Count(string vault, FileType type)
    {
        var count = 0;
        await foreach (var _ in new LocalBackend(vault).ListAsync(type))
        {
            count++;
        }

        return count;
    }

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
