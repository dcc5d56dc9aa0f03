using Keepsake.Repository.Backends;
using Keepsake.Repository.Snapshots;

namespace Keepsake.Repository;

public sealed partial class Repository
{
    /// <summary>Every snapshot, oldest first.</summary>
    /// <exception cref="RepositoryCorruptedException">A snapshot file is damaged.</exception>
    public async Task<IReadOnlyList<Snapshot>> ListSnapshotsAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<Snapshot>();
        await foreach (var file in Backend.ListAsync(FileType.Snapshot, cancellationToken).ConfigureAwait(false))
        {
            result.Add(await LoadSnapshotAsync(ObjectId.Parse(file.Name), cancellationToken).ConfigureAwait(false));
        }

        result.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Id.CompareTo(b.Id));
        return result;
    }

    /// <summary>Loads one snapshot by ID.</summary>
    public async Task<Snapshot> LoadSnapshotAsync(ObjectId id, CancellationToken cancellationToken = default)
    {
        var json = await LoadUnpackedAsync(FileType.Snapshot, id, cancellationToken).ConfigureAwait(false);
        return Snapshot.Parse(id, json);
    }

    /// <summary>
    /// Finds a snapshot by full ID, unique ID prefix, or "latest" (optionally the latest of
    /// <paramref name="host"/>).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No snapshot, or more than one, matches.</exception>
    public async Task<Snapshot> FindSnapshotAsync(string idOrPrefix, string? host = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(idOrPrefix);
        var all = await ListSnapshotsAsync(cancellationToken).ConfigureAwait(false);
        if (idOrPrefix == "latest")
        {
            return all.LastOrDefault(s => host is null || s.Hostname == host)
                ?? throw new KeyNotFoundException("The repository has no snapshot" + (host is null ? "." : $" of host '{host}'."));
        }

        var matches = all.Where(s => s.Id.ToString().StartsWith(idOrPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new KeyNotFoundException($"No snapshot matches '{idOrPrefix}'."),
            _ => throw new KeyNotFoundException($"'{idOrPrefix}' matches {matches.Count} snapshots; give more characters."),
        };
    }

    /// <summary>Stores a snapshot and returns it with its ID.</summary>
    public async Task<Snapshot> SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var id = await SaveUnpackedAsync(FileType.Snapshot, snapshot.ToJson(), cancellationToken).ConfigureAwait(false);
        return new Snapshot
        {
            Id = id,
            Time = snapshot.Time,
            Parent = snapshot.Parent,
            Tree = snapshot.Tree,
            Paths = snapshot.Paths,
            Hostname = snapshot.Hostname,
            Username = snapshot.Username,
            Uid = snapshot.Uid,
            Gid = snapshot.Gid,
            Excludes = snapshot.Excludes,
            Tags = snapshot.Tags,
            Original = snapshot.Original,
        };
    }
}
