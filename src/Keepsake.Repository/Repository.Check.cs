using Keepsake.Repository.Backends;
using Keepsake.Repository.Index;
using Keepsake.Repository.Packs;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;

namespace Keepsake.Repository;

public sealed partial class Repository
{
    /// <summary>
    /// Checks the repository and collects every problem (never stopping at the first): each index
    /// file, each pack's existence and header against the index, each snapshot and every tree it
    /// reaches, and that every referenced blob is indexed. With <paramref name="readData"/>, every
    /// pack is read whole: its SHA-256 must equal its name and every blob must decrypt, decompress
    /// and hash to its ID. <paramref name="readDataFraction"/> (restic's --read-data-subset=N%) reads
    /// only that share of the packs, chosen at random, so that repeated runs cover all of them.
    /// </summary>
    public Task<CheckResult> CheckAsync(bool readData = false, double readDataFraction = 1, IProgress<string>? progress = null, CancellationToken cancellationToken = default) =>
        CheckCoreAsync(readData, readDataFraction, progress, null, cancellationToken);

    /// <summary>As <see cref="CheckAsync(bool, double, IProgress{string}?, CancellationToken)"/>, reporting the packs checked and bytes read to <paramref name="work"/>.</summary>
    public Task<CheckResult> CheckAsync(bool readData, double readDataFraction, IProgress<WorkProgress>? work, CancellationToken cancellationToken = default) =>
        CheckCoreAsync(readData, readDataFraction, null, work, cancellationToken);

    private async Task<CheckResult> CheckCoreAsync(bool readData, double readDataFraction, IProgress<string>? progress, IProgress<WorkProgress>? work, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(readDataFraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(readDataFraction, 1);
        var errors = new List<CheckProblem>();
        var warnings = new List<CheckProblem>();
        long bytesRead = 0;

        // 1. Index files, one by one.
        var index = new MasterIndex();
        var packIndexFile = new Dictionary<ObjectId, ObjectId>();
        await foreach (var file in Backend.ListAsync(FileType.Index, cancellationToken).ConfigureAwait(false))
        {
            var id = ObjectId.Parse(file.Name);
            try
            {
                var parsed = IndexFile.Parse(file.Name, await LoadUnpackedAsync(FileType.Index, id, cancellationToken).ConfigureAwait(false));
                index.AddFile(id, parsed);
                foreach (var packId in parsed.Packs.Keys)
                {
                    packIndexFile.TryAdd(packId, id);
                }
            }
            catch (RepositoryCorruptedException e)
            {
                errors.Add(new CheckProblem(e.ObjectType, e.ObjectId, e.Problem));
            }
        }

        _index = index;
        progress?.Report($"loaded {index.Files.Count} index files");

        // 2. Packs: existence, orphans, header (and with readData, every byte).
        var stored = new Dictionary<ObjectId, long>();
        await foreach (var file in Backend.ListAsync(FileType.Pack, cancellationToken).ConfigureAwait(false))
        {
            stored[ObjectId.Parse(file.Name)] = file.Size;
        }

        foreach (var (packId, _) in stored)
        {
            if (!index.Packs.ContainsKey(packId))
            {
                warnings.Add(new CheckProblem("pack", packId.ToString(), "not referenced in any index"));
            }
        }

        var toRead = readData && readDataFraction < 1
            ? index.Packs.Keys.OrderBy(_ => Random.Shared.Next()).Take((int)Math.Ceiling(index.Packs.Count * readDataFraction)).ToHashSet()
            : null;

        // Packs are checked in parallel (each worker reads, hashes and decrypts a whole pack).
        long packsDone = 0;
        long? bytesToRead = readData
            ? index.Packs.Keys.Where(p => (toRead is null || toRead.Contains(p)) && stored.ContainsKey(p)).Sum(p => stored[p])
            : null;
        var packErrors = new System.Collections.Concurrent.ConcurrentBag<CheckProblem>();
        await Parallel.ForEachAsync(
            index.Packs,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount), CancellationToken = cancellationToken },
            async (pack, token) =>
            {
                var (packId, indexed) = (pack.Key, pack.Value);
                if (!stored.TryGetValue(packId, out var size))
                {
                    packErrors.Add(new CheckProblem("pack", packId.ToString(), $"missing, but index {packIndexFile[packId].ToShortString()} lists {indexed.Count} blobs in it"));
                    return;
                }

                try
                {
                    List<PackedBlob> header;
                    if (readData && (toRead is null || toRead.Contains(packId)) && size <= int.MaxValue)
                    {
                        // The whole pack, read into a pooled buffer (packs are about 16 MiB).
                        var buffer = Keepsake.Repository.Internal.BufferPool.Shared.Rent((int)Math.Max(1, size));
                        try
                        {
                            var length = await Backend.ReadAsync(FileType.Pack, packId.ToString(), 0, buffer.AsMemory(0, (int)size), token).ConfigureAwait(false);
                            Interlocked.Add(ref bytesRead, length);
                            header = VerifyPackBytes(packId, buffer.AsSpan(0, length), packErrors);
                        }
                        finally
                        {
                            Keepsake.Repository.Internal.BufferPool.Shared.Return(buffer);
                        }
                    }
                    else
                    {
                        header = await LoadPackHeaderAsync(packId, size, token).ConfigureAwait(false);
                    }

                    var inHeader = header.Select(b => (b.Id, b.Type, b.Offset, b.Length)).ToHashSet();
                    foreach (var blob in indexed)
                    {
                        if (!inHeader.Contains((blob.Id, blob.Type, blob.Offset, blob.Length)))
                        {
                            packErrors.Add(new CheckProblem("pack", packId.ToString(), $"index lists {BlobName(blob.Type)} {blob.Id} at offset {blob.Offset}, but the pack header does not"));
                        }
                    }
                }
                catch (RepositoryCorruptedException e)
                {
                    packErrors.Add(new CheckProblem(e.ObjectType, e.ObjectId, e.Problem));
                }
                finally
                {
                    work?.Report(new WorkProgress(readData ? "reading packs" : "checking packs", "packs", Interlocked.Increment(ref packsDone), index.Packs.Count, Interlocked.Read(ref bytesRead), bytesToRead));
                }
            }).ConfigureAwait(false);
        errors.AddRange(packErrors.OrderBy(p => p.ObjectId, StringComparer.Ordinal));

        progress?.Report($"checked {index.Packs.Count} packs");

        // 3. Snapshots and every tree they reach.
        var snapshots = 0;
        var visited = new HashSet<ObjectId>();
        await foreach (var file in Backend.ListAsync(FileType.Snapshot, cancellationToken).ConfigureAwait(false))
        {
            Snapshot snapshot;
            try
            {
                snapshot = await LoadSnapshotAsync(ObjectId.Parse(file.Name), cancellationToken).ConfigureAwait(false);
                snapshots++;
            }
            catch (RepositoryCorruptedException e)
            {
                errors.Add(new CheckProblem(e.ObjectType, e.ObjectId, e.Problem));
                continue;
            }

            var stack = new Stack<(ObjectId Tree, string Path)>();
            stack.Push((snapshot.Tree, "/"));
            while (stack.Count > 0)
            {
                var (treeId, path) = stack.Pop();
                if (!visited.Add(treeId))
                {
                    continue;
                }

                Tree tree;
                try
                {
                    if (!index.Contains(treeId, BlobType.Tree))
                    {
                        errors.Add(new CheckProblem("tree blob", treeId.ToString(), $"of {path} in snapshot {snapshot.ShortId} is not in any index"));
                        continue;
                    }

                    tree = await LoadTreeAsync(treeId, cancellationToken).ConfigureAwait(false);
                }
                catch (RepositoryCorruptedException e)
                {
                    errors.Add(new CheckProblem(e.ObjectType, e.ObjectId, $"{e.Problem} (tree of {path} in snapshot {snapshot.ShortId})"));
                    continue;
                }

                foreach (var node in tree.Nodes)
                {
                    var childPath = path == "/" ? "/" + node.Name : path + "/" + node.Name;
                    if (node.Type == NodeType.File)
                    {
                        foreach (var blob in node.Content ?? [])
                        {
                            if (!index.Contains(blob, BlobType.Data))
                            {
                                errors.Add(new CheckProblem("data blob", blob.ToString(), $"of {childPath} (tree {treeId.ToShortString()}) is not in any index"));
                            }
                        }
                    }
                    else if (node.Type == NodeType.Dir)
                    {
                        if (node.Subtree is { } sub)
                        {
                            stack.Push((sub, childPath));
                        }
                        else
                        {
                            errors.Add(new CheckProblem("tree blob", treeId.ToString(), $"directory {childPath} has no subtree"));
                        }
                    }
                }
            }
        }

        return new CheckResult(errors, warnings, index.Packs.Count, snapshots, visited.Count, bytesRead);
    }

    /// <summary>A whole pack's hash, header and every blob; problems go to <paramref name="problems"/>. Returns the header.</summary>
    private List<PackedBlob> VerifyPackBytes(ObjectId packId, ReadOnlySpan<byte> bytes, System.Collections.Concurrent.ConcurrentBag<CheckProblem> problems)
    {
        if (ObjectId.Hash(bytes) != packId)
        {
            problems.Add(new CheckProblem("pack", packId.ToString(), "its content does not hash to its name"));
        }

        var header = ParseHeaderFromBytes(packId, bytes);
        foreach (var blob in header)
        {
            try
            {
                VerifyBlob(blob, bytes.Slice((int)blob.Offset, blob.Length));
            }
            catch (RepositoryCorruptedException e)
            {
                problems.Add(new CheckProblem(e.ObjectType, e.ObjectId, e.Problem));
            }
        }

        return header;
    }

    private List<PackedBlob> ParseHeaderFromBytes(ObjectId packId, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 4 + Crypto.MasterKey.Overhead)
        {
            throw new RepositoryCorruptedException("pack", packId.ToString(), $"too short ({bytes.Length} bytes) for a header");
        }

        var headerLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
        if (headerLength < Crypto.MasterKey.Overhead || headerLength > bytes.Length - 4)
        {
            throw new RepositoryCorruptedException("pack", packId.ToString(), $"impossible header length {headerLength}", bytes.Length - 4);
        }

        var headerOffset = bytes.Length - 4 - (int)headerLength;
        return ParseHeader(packId, bytes.Slice(headerOffset, (int)headerLength), headerOffset);
    }
}
