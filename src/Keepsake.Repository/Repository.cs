using System.Security.Cryptography;
using System.Text.Json;
using Keepsake.Primitives;
using Keepsake.Repository.Backends;
using Keepsake.Repository.Chunking;
using Keepsake.Repository.Crypto;
using Keepsake.Repository.Index;
using Keepsake.Repository.Internal;
using Keepsake.Repository.Json;
using Keepsake.Repository.Packs;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;

namespace Keepsake.Repository;

/// <summary>
/// A restic-compatible repository (format version 2) over an <see cref="IBackend"/>: init and open
/// with a password, keys, backup, snapshots, reading files, restore, diff, check, forget, prune and
/// copy. Instances are thread-safe for reading; run one writing operation at a time per instance.
/// The format is described in docs/design/repository-format.md.
/// </summary>
public sealed partial class Repository : IDisposable
{
    /// <summary>The largest unpacked file (index, snapshot, lock) we load.</summary>
    public const int MaxUnpackedFileSize = 512 * 1024 * 1024;

    private readonly MasterKey _key;
    private readonly SemaphoreSlim _indexLoad = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RepositoryCorruptedException> _skipped = new(StringComparer.Ordinal);
    private MasterIndex? _index;
    private MasterIndex? _unindexed;

    private Repository(IBackend backend, MasterKey key, string keyId, string id, int version, ChunkerPolynomial polynomial, RepositoryOptions options)
    {
        Backend = backend;
        _key = key;
        KeyId = keyId;
        Id = id;
        Version = version;
        Polynomial = polynomial;
        Options = options;
    }

    /// <summary>Where the repository lives.</summary>
    public IBackend Backend { get; }

    /// <summary>The repository ID from the config.</summary>
    public string Id { get; }

    /// <summary>The format version (1 or 2).</summary>
    public int Version { get; }

    /// <summary>The chunker polynomial from the config.</summary>
    public ChunkerPolynomial Polynomial { get; }

    /// <summary>The ID of the key file that the password opened.</summary>
    public string KeyId { get; }

    /// <summary>The options this instance runs with.</summary>
    public RepositoryOptions Options { get; }

    internal MasterKey Key => _key;

    /// <summary>
    /// The damaged snapshot and index files that reads by this instance have skipped so far (one
    /// entry per file, in no particular order). A damaged snapshot file costs only that snapshot and
    /// a damaged index file only its entries (the packs it named are then read from their headers):
    /// the callers report these as warnings and finish their work with the rest.
    /// </summary>
    public IReadOnlyCollection<RepositoryCorruptedException> SkippedDamagedFiles =>
        [.. _skipped.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value)];

    private void RecordSkipped(RepositoryCorruptedException damage) => _skipped.TryAdd(damage.ObjectType + " " + damage.ObjectId, damage);

    /// <summary>
    /// Creates a new repository (format version 2) in an empty backend: a fresh master key sealed
    /// under <paramref name="password"/>, a random ID and a random irreducible chunker polynomial.
    /// </summary>
    /// <exception cref="InvalidOperationException">The backend already holds a config.</exception>
    public static async Task<Repository> InitAsync(IBackend backend, Secret password, RepositoryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(password);
        options ??= new RepositoryOptions();
        await foreach (var _ in backend.ListAsync(FileType.Config, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"{backend.Location} already holds a repository (a config file exists).");
        }

        (backend as Backends.Local.LocalBackend)?.CreateLayout();
        var master = MasterKey.CreateRandom();
        var keyBytes = KeyFile.Create(master, password, options.KdfParameters, options.Hostname, options.Username);
        var keyId = ObjectId.Hash(keyBytes).ToString();
        await backend.SaveAsync(FileType.Key, keyId, keyBytes, cancellationToken).ConfigureAwait(false);

        var polynomial = ChunkerPolynomial.CreateRandom();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var config = JsonSerializer.SerializeToUtf8Bytes(
            new ConfigJson { Version = 2, Id = id, ChunkerPolynomial = polynomial.ToString() },
            RepositoryJsonContext.Go.ConfigJson);
        await backend.SaveAsync(FileType.Config, BackendNames.ConfigName, master.Seal(config), cancellationToken).ConfigureAwait(false);
        var repository = new Repository(backend, master, keyId, id, 2, polynomial, options);
        repository._index = new MasterIndex();
        return repository;
    }

    /// <summary>Opens an existing repository with <paramref name="password"/>.</summary>
    /// <exception cref="WrongPasswordException">No key file opens with the password.</exception>
    /// <exception cref="RepositoryCorruptedException">The config or a key file is damaged.</exception>
    public static async Task<Repository> OpenAsync(IBackend backend, Secret password, RepositoryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(password);
        options ??= new RepositoryOptions();
        byte[] configBytes;
        try
        {
            configBytes = await backend.LoadAsync(FileType.Config, BackendNames.ConfigName, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (BackendNotFoundException e)
        {
            throw new RepositoryCorruptedException("config", BackendNames.ConfigName, $"the config file is missing from {backend.Location}", innerException: e);
        }

        // A damaged key file costs only itself: the next one may open. Only when none opens is the
        // damage reported, naming the file.
        var tried = new List<string>();
        var damaged = new List<RepositoryCorruptedException>();
        await foreach (var file in backend.ListAsync(FileType.Key, cancellationToken).ConfigureAwait(false))
        {
            if (file.Size > 1024 * 1024)
            {
                damaged.Add(new RepositoryCorruptedException("key", file.Name, $"too large for a key file ({file.Size} bytes)"));
                continue;
            }

            MasterKey? master;
            try
            {
                var bytes = await backend.LoadAsync(FileType.Key, file.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                master = KeyFile.TryOpen(file.Name, bytes, password);
            }
            catch (RepositoryCorruptedException e)
            {
                damaged.Add(e);
                continue;
            }

            if (master is null)
            {
                tried.Add(file.Name);
                continue;
            }

            var plain = master.Open(configBytes) ?? throw new RepositoryCorruptedException("config", BackendNames.ConfigName, "its MAC does not verify with the master key");
            ConfigJson? config;
            try
            {
                config = JsonSerializer.Deserialize(plain, RepositoryJsonContext.Go.ConfigJson);
            }
            catch (JsonException e)
            {
                throw new RepositoryCorruptedException("config", BackendNames.ConfigName, "not valid config JSON", innerException: e);
            }

            if (config is null || config.Version is not (1 or 2) || config.Id is null || config.ChunkerPolynomial is null)
            {
                throw new RepositoryCorruptedException("config", BackendNames.ConfigName, $"unsupported version {config?.Version} or missing fields");
            }

            ChunkerPolynomial polynomial;
            try
            {
                polynomial = ChunkerPolynomial.Parse(config.ChunkerPolynomial);
            }
            catch (FormatException e)
            {
                throw new RepositoryCorruptedException("config", BackendNames.ConfigName, "invalid chunker polynomial", innerException: e);
            }

            return new Repository(backend, master, file.Name, config.Id, config.Version, polynomial, options);
        }

        if (tried.Count == 0)
        {
            throw damaged.Count > 0
                ? damaged[0]
                : new RepositoryCorruptedException("key", "keys/", $"the repository at {backend.Location} has no key file: nothing can open it");
        }

        throw new WrongPasswordException(tried);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _key.Dispose();
        _indexLoad.Dispose();
    }

    // ---- keys ----

    /// <summary>Adds a key file that opens the repository with <paramref name="newPassword"/>; returns its ID.</summary>
    public async Task<string> AddKeyAsync(Secret newPassword, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newPassword);
        var bytes = KeyFile.Create(_key, newPassword, Options.KdfParameters, Options.Hostname, Options.Username);
        var id = ObjectId.Hash(bytes).ToString();
        await Backend.SaveAsync(FileType.Key, id, bytes, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>The key files' public fields.</summary>
    public async Task<IReadOnlyList<KeyFile>> ListKeysAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<KeyFile>();
        await foreach (var file in Backend.ListAsync(FileType.Key, cancellationToken).ConfigureAwait(false))
        {
            var bytes = await Backend.LoadAsync(FileType.Key, file.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            result.Add(KeyFile.Describe(file.Name, bytes));
        }

        return result;
    }

    /// <summary>Removes a key file. The key this instance was opened with cannot be removed.</summary>
    public async Task RemoveKeyAsync(string keyId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        if (string.Equals(keyId, KeyId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Refusing to remove the key that opened the repository.");
        }

        await Backend.StatAsync(FileType.Key, keyId, cancellationToken).ConfigureAwait(false);
        await Backend.RemoveAsync(FileType.Key, keyId, cancellationToken).ConfigureAwait(false);
    }

    // ---- unpacked files (index, snapshot, lock) ----

    internal async Task<ObjectId> SaveUnpackedAsync(FileType type, byte[] json, CancellationToken cancellationToken)
    {
        byte[] plain;
        if (Version >= 2)
        {
            var compressed = Zstd.Compress(json, Options.CompressionLevel);
            plain = new byte[compressed.Length + 1];
            plain[0] = 2;
            compressed.CopyTo(plain, 1);
        }
        else
        {
            plain = json;
        }

        var sealedBytes = _key.Seal(plain);
        var id = ObjectId.Hash(sealedBytes);
        await Backend.SaveAsync(type, id.ToString(), sealedBytes, cancellationToken).ConfigureAwait(false);
        return id;
    }

    internal async Task<byte[]> LoadUnpackedAsync(FileType type, ObjectId id, CancellationToken cancellationToken)
    {
        var what = TypeName(type);
        byte[] bytes;
        try
        {
            bytes = await Backend.LoadAsync(type, id.ToString(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (BackendNotFoundException e)
        {
            throw new RepositoryCorruptedException(what, id.ToString(), "the file is missing", innerException: e);
        }

        if (bytes.Length > MaxUnpackedFileSize)
        {
            throw new RepositoryCorruptedException(what, id.ToString(), $"too large ({bytes.Length} bytes)");
        }

        if (ObjectId.Hash(bytes) != id)
        {
            throw new RepositoryCorruptedException(what, id.ToString(), "its content does not hash to its name");
        }

        var plain = _key.Open(bytes) ?? throw new RepositoryCorruptedException(what, id.ToString(), "MAC verification failed (damaged, or written with another key)");
        if (plain.Length == 0 || plain[0] is (byte)'{' or (byte)'[')
        {
            return plain;
        }

        if (plain[0] != 2)
        {
            throw new RepositoryCorruptedException(what, id.ToString(), $"unknown encoding version {plain[0]}", 0);
        }

        return Zstd.DecompressUnknown(plain.AsSpan(1), MaxUnpackedFileSize)
            ?? throw new RepositoryCorruptedException(what, id.ToString(), "zstd data is damaged", 1);
    }

    internal static string TypeName(FileType type) => type switch
    {
        FileType.Config => "config",
        FileType.Key => "key",
        FileType.Lock => "lock",
        FileType.Snapshot => "snapshot",
        FileType.Index => "index",
        _ => "pack",
    };

    // ---- index ----

    /// <summary>
    /// Loads (once) and returns every readable index file merged. A damaged index file is skipped and
    /// recorded in <see cref="SkippedDamagedFiles"/>; the packs it named are then found through their
    /// headers (<see cref="LocateBlobAsync"/>), and <c>repair index</c> writes a sound index again.
    /// </summary>
    public async Task<MasterIndex> GetIndexAsync(CancellationToken cancellationToken = default)
    {
        if (_index is not null)
        {
            return _index;
        }

        await _indexLoad.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_index is not null)
            {
                return _index;
            }

            var index = new MasterIndex();
            await foreach (var file in Backend.ListAsync(FileType.Index, cancellationToken).ConfigureAwait(false))
            {
                var id = ObjectId.Parse(file.Name);
                try
                {
                    var json = await LoadUnpackedAsync(FileType.Index, id, cancellationToken).ConfigureAwait(false);
                    index.AddFile(id, IndexFile.Parse(file.Name, json));
                }
                catch (RepositoryCorruptedException e)
                {
                    RecordSkipped(e);
                }
            }

            _index = index;
            return index;
        }
        finally
        {
            _indexLoad.Release();
        }
    }

    /// <summary>Forgets the loaded index so the next use reloads it.</summary>
    public void InvalidateIndex()
    {
        _index = null;
        _unindexed = null;
    }

    /// <summary>
    /// Where a blob is, for reading it: in the index files, else in the headers of the packs no index
    /// file names (read once per instance), so that a lost index file does not make snapshots
    /// unreadable. Blobs found that way are only read, never counted as stored: a backup stores them
    /// again and prune refuses to run, so nothing new comes to depend on a pack no index names.
    /// </summary>
    /// <exception cref="RepositoryCorruptedException">No index file and no pack holds the blob.</exception>
    internal async Task<PackedBlob> LocateBlobAsync(ObjectId id, BlobType type, CancellationToken cancellationToken)
    {
        var index = await GetIndexAsync(cancellationToken).ConfigureAwait(false);
        if (index.Find(id, type) is { } blob)
        {
            return blob;
        }

        var unindexed = await GetUnindexedPacksAsync(index, cancellationToken).ConfigureAwait(false);
        return unindexed.Find(id, type) ?? throw new RepositoryCorruptedException(BlobName(type), id.ToString(),
            unindexed.Packs.Count == 0
                ? "not in any index file, and every pack is indexed: the pack that held it is missing"
                : $"not in any index file, nor in the {unindexed.Packs.Count} packs no index file names: the pack that held it is missing");
    }

    private async Task<MasterIndex> GetUnindexedPacksAsync(MasterIndex index, CancellationToken cancellationToken)
    {
        if (_unindexed is { } known)
        {
            return known;
        }

        await _indexLoad.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_unindexed is { } loaded)
            {
                return loaded;
            }

            var unindexed = new MasterIndex();
            await foreach (var file in Backend.ListAsync(FileType.Pack, cancellationToken).ConfigureAwait(false))
            {
                var packId = ObjectId.Parse(file.Name);
                if (index.Packs.ContainsKey(packId))
                {
                    continue;
                }

                try
                {
                    unindexed.AddPack(packId, await LoadPackHeaderAsync(packId, file.Size, cancellationToken).ConfigureAwait(false));
                }
                catch (RepositoryCorruptedException)
                {
                    // A damaged pack no index names holds nothing we can read; check reports it.
                }
            }

            _unindexed = unindexed;
            return unindexed;
        }
        finally
        {
            _indexLoad.Release();
        }
    }

    // ---- blobs ----

    /// <summary>Loads a blob's plaintext, verifying its MAC and SHA-256.</summary>
    /// <exception cref="RepositoryCorruptedException">The blob is not indexed, its pack is missing, or its bytes are damaged.</exception>
    public async Task<byte[]> LoadBlobAsync(BlobType type, ObjectId id, CancellationToken cancellationToken = default)
    {
        var blob = await LocateBlobAsync(id, type, cancellationToken).ConfigureAwait(false);
        byte[] raw;
        try
        {
            raw = await Backend.LoadAsync(FileType.Pack, blob.PackId.ToString(), blob.Offset, blob.Length, cancellationToken).ConfigureAwait(false);
        }
        catch (BackendNotFoundException e)
        {
            throw new RepositoryCorruptedException("pack", blob.PackId.ToString(), $"missing (it holds {BlobName(type)} {id})", innerException: e);
        }

        return DecodeBlob(blob, raw);
    }

    /// <summary>
    /// Loads a data blob, verifies it and writes its plaintext to <paramref name="output"/>, reading
    /// into pooled buffers (sealed, decrypted and decompressed bytes). Returns the bytes written.
    /// </summary>
    internal async Task<int> CopyBlobToAsync(ObjectId id, Stream output, CancellationToken cancellationToken)
    {
        var blob = await LocateBlobAsync(id, BlobType.Data, cancellationToken).ConfigureAwait(false);
        var raw = Keepsake.Repository.Internal.BufferPool.Shared.Rent(Math.Max(1, blob.Length));
        try
        {
            int read;
            try
            {
                read = await Backend.ReadAsync(FileType.Pack, blob.PackId.ToString(), blob.Offset, raw.AsMemory(0, blob.Length), cancellationToken).ConfigureAwait(false);
            }
            catch (BackendNotFoundException e)
            {
                throw new RepositoryCorruptedException("pack", blob.PackId.ToString(), $"missing (it holds data blob {id})", innerException: e);
            }

            var (plain, length) = OpenBlobPooled(blob, raw.AsSpan(0, read));
            try
            {
                await output.WriteAsync(plain.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                return length;
            }
            finally
            {
                Keepsake.Repository.Internal.BufferPool.Shared.Return(plain);
            }
        }
        finally
        {
            Keepsake.Repository.Internal.BufferPool.Shared.Return(raw);
        }
    }

    /// <summary>Verifies a blob's sealed bytes (MAC, decompression, SHA-256) with pooled buffers.</summary>
    internal void VerifyBlob(PackedBlob blob, ReadOnlySpan<byte> raw)
    {
        var (plain, _) = OpenBlobPooled(blob, raw);
        Keepsake.Repository.Internal.BufferPool.Shared.Return(plain);
    }

    /// <summary>
    /// Checks the MAC, decrypts, decompresses and checks the SHA-256 of a blob's sealed bytes; returns
    /// the plaintext in a buffer from the repository's pool, which the caller returns.
    /// </summary>
    private (byte[] Buffer, int Length) OpenBlobPooled(PackedBlob blob, ReadOnlySpan<byte> raw)
    {
        if (raw.Length != blob.Length || raw.Length < MasterKey.Overhead)
        {
            throw new RepositoryCorruptedException("pack", blob.PackId.ToString(), $"truncated: {BlobName(blob.Type)} {blob.Id} needs {blob.Length} bytes, {raw.Length} there", blob.Offset);
        }

        var plain = Keepsake.Repository.Internal.BufferPool.Shared.Rent(Math.Max(1, raw.Length - MasterKey.Overhead));
        byte[]? expanded = null;
        try
        {
            if (!_key.TryOpen(raw, plain, out var length))
            {
                throw new RepositoryCorruptedException("pack", blob.PackId.ToString(), $"{BlobName(blob.Type)} {blob.Id} fails MAC verification", blob.Offset);
            }

            var result = plain;
            if (blob.IsCompressed)
            {
                expanded = Keepsake.Repository.Internal.BufferPool.Shared.Rent(Math.Max(1, blob.UncompressedLength));
                if (!Zstd.TryDecompress(plain.AsSpan(0, length), expanded.AsSpan(0, blob.UncompressedLength)))
                {
                    throw new RepositoryCorruptedException("pack", blob.PackId.ToString(), $"{BlobName(blob.Type)} {blob.Id} does not decompress to {blob.UncompressedLength} bytes", blob.Offset);
                }

                Keepsake.Repository.Internal.BufferPool.Shared.Return(plain);
                plain = null;
                result = expanded;
                length = blob.UncompressedLength;
            }

            if (ObjectId.Hash(result.AsSpan(0, length)) != blob.Id)
            {
                throw new RepositoryCorruptedException("pack", blob.PackId.ToString(), $"{BlobName(blob.Type)} {blob.Id} has the wrong SHA-256", blob.Offset);
            }

            plain = null;
            expanded = null;
            return (result, length);
        }
        finally
        {
            if (plain is not null)
            {
                Keepsake.Repository.Internal.BufferPool.Shared.Return(plain);
            }

            if (expanded is not null)
            {
                Keepsake.Repository.Internal.BufferPool.Shared.Return(expanded);
            }
        }
    }

    internal byte[] DecodeBlob(PackedBlob blob, ReadOnlySpan<byte> raw)
    {
        if (raw.Length != blob.Length)
        {
            throw new RepositoryCorruptedException("pack", blob.PackId.ToString(), $"truncated: {BlobName(blob.Type)} {blob.Id} needs {blob.Length} bytes, {raw.Length} there", blob.Offset);
        }

        var plain = _key.Open(raw) ?? throw new RepositoryCorruptedException("pack", blob.PackId.ToString(), $"{BlobName(blob.Type)} {blob.Id} fails MAC verification", blob.Offset);
        if (blob.IsCompressed)
        {
            plain = Zstd.Decompress(plain, blob.UncompressedLength)
                ?? throw new RepositoryCorruptedException("pack", blob.PackId.ToString(), $"{BlobName(blob.Type)} {blob.Id} does not decompress to {blob.UncompressedLength} bytes", blob.Offset);
        }

        if (ObjectId.Hash(plain) != blob.Id)
        {
            throw new RepositoryCorruptedException("pack", blob.PackId.ToString(), $"{BlobName(blob.Type)} {blob.Id} has the wrong SHA-256", blob.Offset);
        }

        return plain;
    }

    internal static string BlobName(BlobType type) => type == BlobType.Tree ? "tree blob" : "data blob";

    /// <summary>Loads and parses a tree.</summary>
    public async Task<Tree> LoadTreeAsync(ObjectId id, CancellationToken cancellationToken = default)
    {
        var bytes = await LoadBlobAsync(BlobType.Tree, id, cancellationToken).ConfigureAwait(false);
        return TreeJson.Parse(bytes, id);
    }

    /// <summary>Reads and decrypts a pack's header.</summary>
    public async Task<List<PackedBlob>> LoadPackHeaderAsync(ObjectId packId, long packSize, CancellationToken cancellationToken = default)
    {
        var name = packId.ToString();
        if (packSize < 4 + MasterKey.Overhead)
        {
            throw new RepositoryCorruptedException("pack", name, $"too short ({packSize} bytes) for a header");
        }

        var tail = await Backend.LoadAsync(FileType.Pack, name, packSize - 4, 4, cancellationToken).ConfigureAwait(false);
        var headerLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail);
        if (headerLength < MasterKey.Overhead || headerLength > PackHeader.MaxHeaderSize || headerLength > packSize - 4)
        {
            throw new RepositoryCorruptedException("pack", name, $"impossible header length {headerLength}", packSize - 4);
        }

        var sealedHeader = await Backend.LoadAsync(FileType.Pack, name, packSize - 4 - headerLength, (int)headerLength, cancellationToken).ConfigureAwait(false);
        return ParseHeader(packId, sealedHeader, packSize - 4 - headerLength);
    }

    internal List<PackedBlob> ParseHeader(ObjectId packId, ReadOnlySpan<byte> sealedHeader, long headerOffset)
    {
        var header = _key.Open(sealedHeader) ?? throw new RepositoryCorruptedException("pack", packId.ToString(), "header fails MAC verification", headerOffset);
        var blobs = PackHeader.Decode(header, packId);
        var end = blobs.Count == 0 ? 0 : blobs[^1].Offset + blobs[^1].Length;
        if (end != headerOffset)
        {
            throw new RepositoryCorruptedException("pack", packId.ToString(), $"header describes {end} bytes of blobs but the header starts at {headerOffset}", headerOffset);
        }

        return blobs;
    }
}
