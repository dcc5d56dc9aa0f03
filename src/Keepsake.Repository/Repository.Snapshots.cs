using Keepsake.Repository.Backends;
using Keepsake.Repository.Snapshots;

namespace Keepsake.Repository;

public sealed partial class Repository
{
    /// <summary>
    /// Every readable snapshot, oldest first. A damaged snapshot file is skipped and recorded in
    /// <see cref="SkippedDamagedFiles"/>: it costs only itself.
    /// </summary>
    public async Task<IReadOnlyList<Snapshot>> ListSnapshotsAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<Snapshot>();
        await foreach (var file in Backend.ListAsync(FileType.Snapshot, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                result.Add(await LoadSnapshotAsync(ObjectId.Parse(file.Name), cancellationToken).ConfigureAwait(false));
            }
            catch (RepositoryCorruptedException e)
            {
                RecordSkipped(e);
            }
        }

        result.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Id.CompareTo(b.Id));
        return result;
    }

    /// <summary>Every snapshot, failing on the first damaged one (for operations that must see them all, as prune).</summary>
    /// <exception cref="RepositoryCorruptedException">A snapshot file is damaged.</exception>
    private async Task<List<Snapshot>> ListEverySnapshotAsync(CancellationToken cancellationToken)
    {
        var result = new List<Snapshot>();
        await foreach (var file in Backend.ListAsync(FileType.Snapshot, cancellationToken).ConfigureAwait(false))
        {
            result.Add(await LoadSnapshotAsync(ObjectId.Parse(file.Name), cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    /// <summary>Loads one snapshot by ID.</summary>
    /// <exception cref="RepositoryCorruptedException">The snapshot file is missing or damaged.</exception>
    public async Task<Snapshot> LoadSnapshotAsync(ObjectId id, CancellationToken cancellationToken = default)
    {
        var json = await LoadUnpackedAsync(FileType.Snapshot, id, cancellationToken).ConfigureAwait(false);
        return Snapshot.Parse(id, json);
    }

    /// <summary>
    /// Finds a snapshot by full ID, unique ID prefix, or "latest" (optionally the latest of
    /// <paramref name="host"/>). An ID or prefix is matched against the snapshot files' names, so
    /// only the snapshot asked for is read: a damaged one elsewhere does not matter, and a damaged
    /// one asked for is reported by name. "latest" skips damaged snapshots (see <see cref="ListSnapshotsAsync"/>).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No snapshot, or more than one, matches.</exception>
    /// <exception cref="RepositoryCorruptedException">The snapshot asked for is damaged.</exception>
    public async Task<Snapshot> FindSnapshotAsync(string idOrPrefix, string? host = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(idOrPrefix);
        if (idOrPrefix == "latest")
        {
            var all = await ListSnapshotsAsync(cancellationToken).ConfigureAwait(false);
            return all.LastOrDefault(s => host is null || s.Hostname == host)
                ?? throw new KeyNotFoundException("The repository has no snapshot" + (host is null ? "." : $" of host '{host}'."));
        }

        var matches = new List<string>();
        await foreach (var file in Backend.ListAsync(FileType.Snapshot, cancellationToken).ConfigureAwait(false))
        {
            if (file.Name.StartsWith(idOrPrefix, StringComparison.OrdinalIgnoreCase))
            {
                matches.Add(file.Name);
            }
        }

        return matches.Count switch
        {
            1 => await LoadSnapshotAsync(ObjectId.Parse(matches[0]), cancellationToken).ConfigureAwait(false),
            0 => throw new KeyNotFoundException($"No snapshot matches '{idOrPrefix}'."),
            _ => throw new KeyNotFoundException($"'{idOrPrefix}' matches {matches.Count} snapshots; give more characters."),
        };
    }

    /// <summary>Stores a snapshot and returns it with its ID.</summary>
    public async Task<Snapshot> SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var id = await SaveUnpackedAsync(FileType.Snapshot, snapshot.ToJson(), cancellationToken).ConfigureAwait(false);
        return snapshot.With(id);
    }
}
