using System.Collections.Concurrent;
using Keepsake.BackupFormat;
using Keepsake.Engine.Vault;
using Keepsake.Repository;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;
using Keepsake.Web.Security;

namespace Keepsake.Web.Data;

/// <summary>
/// The pages' view of the vault: its phones and snapshots, and each snapshot opened as a backup
/// (<see cref="SnapshotView"/>) through Engine's readers, in this process. Opened snapshots are kept
/// for reuse (a few, least recently used dropped first); an encrypted one is kept per session, since
/// only that session has given its password. Reading never writes to the vault.
/// </summary>
public sealed class VaultCatalog : IDisposable
{
    private const int OpenLimit = 6;
    private static readonly TimeSpan ListFreshness = TimeSpan.FromSeconds(3);

    private readonly Func<CancellationToken, Task<Repository.Repository>> _openVault;
    private Repository.Repository? _repository;
    private readonly ConcurrentDictionary<string, long> _sizes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SnapshotView> _open = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _listGate = new(1, 1);
    private (DateTimeOffset At, IReadOnlyList<Snapshot> Snapshots)? _list;

    /// <summary>Over an open vault (which stays the caller's to dispose).</summary>
    public VaultCatalog(Repository.Repository repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        _repository = repository;
        _openVault = _ => Task.FromResult(repository);
    }

    /// <summary>Over a vault opened on first use by <paramref name="openVault"/> (the service's vault session).</summary>
    public VaultCatalog(Func<CancellationToken, Task<Repository.Repository>> openVault)
    {
        ArgumentNullException.ThrowIfNull(openVault);
        _openVault = openVault;
    }

    /// <summary>The vault's repository (Engine's use cases take it); open once any snapshot was looked up.</summary>
    public Repository.Repository Repository => _repository ?? throw new InvalidOperationException("The vault is opened by the first snapshot lookup.");

    /// <summary>Every snapshot that holds an Apple backup, oldest first (re-read at most every few seconds).</summary>
    public async Task<IReadOnlyList<Snapshot>> SnapshotsAsync(CancellationToken cancellationToken = default)
    {
        await _listGate.WaitAsync(cancellationToken);
        try
        {
            if (_list is { } cached && DateTimeOffset.UtcNow - cached.At < ListFreshness)
            {
                return cached.Snapshots;
            }

            _repository ??= await _openVault(cancellationToken);
            var all = await _repository.ListSnapshotsAsync(cancellationToken);
            var apple = all.Where(AppleBackupTags.IsAppleBackup).OrderBy(s => s.Time).ToList();
            _list = (DateTimeOffset.UtcNow, apple);
            return apple;
        }
        finally
        {
            _listGate.Release();
        }
    }

    /// <summary>Forgets the cached snapshot list (after a backup).</summary>
    public void Refresh() => _list = null;

    /// <summary>The phones, each with its snapshots; by name.</summary>
    public async Task<IReadOnlyList<PhoneSummary>> PhonesAsync(CancellationToken cancellationToken = default)
    {
        var snapshots = await SnapshotsAsync(cancellationToken);
        return [.. snapshots
            .GroupBy(s => AppleBackupTags.Get(s, "udid") ?? "unknown")
            .Select(g =>
            {
                var latest = g.Last();
                return new PhoneSummary(g.Key, AppleBackupTags.Get(latest, "device") ?? "iPhone", AppleBackupTags.Get(latest, "model"), AppleBackupTags.Get(latest, "ios"), [.. g]);
            })
            .OrderBy(p => p.Name, StringComparer.CurrentCulture)];
    }

    /// <summary>The snapshot with the full 64-hex-digit id <paramref name="id"/>.</summary>
    /// <exception cref="WebException">404 when there is none, 400 when the id is malformed.</exception>
    public async Task<Snapshot> FindAsync(string? id, CancellationToken cancellationToken = default)
    {
        if (id is null || id.Length != 64 || !id.All(char.IsAsciiHexDigitLower))
        {
            throw new WebException(400, "A snapshot is named by its full id (64 lower-case hex digits).");
        }

        var snapshots = await SnapshotsAsync(cancellationToken);
        var found = snapshots.FirstOrDefault(s => s.Id.ToString() == id);
        if (found is null)
        {
            Refresh();
            found = (await SnapshotsAsync(cancellationToken)).FirstOrDefault(s => s.Id.ToString() == id);
        }

        return found ?? throw new WebException(404, "There is no such snapshot in the vault.");
    }

    public static bool IsEncrypted(Snapshot snapshot) => AppleBackupTags.Get(snapshot, "encrypted") == "yes";

    public static string UdidOf(Snapshot snapshot) => AppleBackupTags.Get(snapshot, "udid") ?? "unknown";

    /// <summary>The total size of the files the snapshot holds, from its trees (no password needed); cached.</summary>
    public async Task<long> SizeAsync(Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var key = snapshot.Id.ToString();
        if (_sizes.TryGetValue(key, out var size))
        {
            return size;
        }

        size = await TreeSizeAsync(snapshot.Tree, cancellationToken);
        _sizes[key] = size;
        return size;
    }

    /// <summary>
    /// The snapshot opened as a backup. An encrypted one needs this session's password for its phone.
    /// </summary>
    /// <exception cref="PasswordNeededException">Encrypted, and no password (or a wrong one) was given in this session.</exception>
    public SnapshotView Open(Snapshot snapshot, WebSession session)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(session);
        var encrypted = IsEncrypted(snapshot);
        var key = snapshot.Id + (encrypted ? "/" + session.Id : string.Empty);
        lock (_gate)
        {
            if (_open.TryGetValue(key, out var view))
            {
                view.Touch();
                return view;
            }
        }

        IBackupFileSource source;
        if (encrypted)
        {
            var password = session.BackupPassword(UdidOf(snapshot)) ?? throw new PasswordNeededException(UdidOf(snapshot), wrongPassword: false);
            try
            {
                source = SnapshotBackupSource.Open(Repository, snapshot, password);
            }
            catch (BackupFormatException e) when (e.Error == BackupFormatError.WrongPassword)
            {
                throw new PasswordNeededException(UdidOf(snapshot), wrongPassword: true);
            }
        }
        else
        {
            source = SnapshotBackupSource.Open(Repository, snapshot);
        }

        var opened = new SnapshotView(snapshot, source);
        lock (_gate)
        {
            if (_open.TryGetValue(key, out var raced))
            {
                opened.Dispose();
                raced.Touch();
                return raced;
            }

            _open[key] = opened;
            if (_open.Count > OpenLimit)
            {
                var oldest = _open.Where(p => p.Key != key && !p.Value.InUse).OrderBy(p => p.Value.LastUsed).FirstOrDefault();
                if (oldest.Value is not null)
                {
                    _open.Remove(oldest.Key);
                    oldest.Value.Dispose();
                }
            }
        }

        return opened;
    }

    /// <summary>Checks <paramref name="password"/> against an encrypted snapshot's keybag (true when it opens it).</summary>
    public bool CheckPassword(Snapshot snapshot, Primitives.Secret password)
    {
        try
        {
            using var source = SnapshotBackupSource.Open(Repository, snapshot, password);
            return true;
        }
        catch (BackupFormatException e) when (e.Error == BackupFormatError.WrongPassword)
        {
            return false;
        }
    }

    private async Task<long> TreeSizeAsync(ObjectId treeId, CancellationToken cancellationToken)
    {
        var tree = await Repository.LoadTreeAsync(treeId, cancellationToken);
        long total = 0;
        foreach (var node in tree.Nodes)
        {
            if (node.Type == NodeType.File)
            {
                total += (long)node.Size;
            }
            else if (node.Type == NodeType.Dir && node.Subtree is { } subtree)
            {
                total += await TreeSizeAsync(subtree, cancellationToken);
            }
        }

        return total;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var view in _open.Values)
            {
                view.Dispose();
            }

            _open.Clear();
        }

        _listGate.Dispose();
    }
}
