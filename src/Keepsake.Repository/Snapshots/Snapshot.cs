using System.Text.Json;
using Keepsake.Repository.Json;

namespace Keepsake.Repository.Snapshots;

/// <summary>
/// A snapshot: when, which paths, from which host and user, with which tags, and the root tree.
/// Stored as <c>snapshots/&lt;id&gt;</c>; see docs/design/repository-format.md, "Snapshots".
/// </summary>
public sealed class Snapshot
{
    /// <summary>The storage ID (set for snapshots read from or saved to a repository).</summary>
    public ObjectId Id { get; init; }

    public required DateTimeOffset Time { get; init; }

    public ObjectId? Parent { get; init; }

    public required ObjectId Tree { get; init; }

    public required IReadOnlyList<string> Paths { get; init; }

    public string? Hostname { get; init; }

    public string? Username { get; init; }

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    public IReadOnlyList<string>? Excludes { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The snapshot this one is a modified copy of.</summary>
    public ObjectId? Original { get; init; }

    /// <summary>The first 8 hex characters of the ID.</summary>
    /// <summary>
    /// This snapshot's fields with the given ones replaced: the one place that lists every field, for
    /// saving (a new ID), repairing (a new tree) and copying (no parent in the target).
    /// </summary>
    internal Snapshot With(ObjectId id = default, ObjectId? tree = null, bool dropParent = false, ObjectId? original = null) => new()
    {
        Id = id,
        Time = Time,
        Parent = dropParent ? null : Parent,
        Tree = tree ?? Tree,
        Paths = Paths,
        Hostname = Hostname,
        Username = Username,
        Uid = Uid,
        Gid = Gid,
        Excludes = Excludes,
        Tags = Tags,
        Original = original ?? Original,
    };

    public string ShortId => Id.ToShortString();

    internal byte[] ToJson()
    {
        var json = new SnapshotJson
        {
            Time = GoTime.Format(Time),
            Parent = Parent?.ToString(),
            Tree = Tree.ToString(),
            Paths = [.. Paths],
            Hostname = string.IsNullOrEmpty(Hostname) ? null : Hostname,
            Username = string.IsNullOrEmpty(Username) ? null : Username,
            Uid = Uid,
            Gid = Gid,
            Excludes = Excludes is { Count: > 0 } ? [.. Excludes] : null,
            Tags = Tags.Count > 0 ? [.. Tags] : null,
            Original = Original?.ToString(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(json, RepositoryJsonContext.Go.SnapshotJson);
    }

    internal static Snapshot Parse(ObjectId id, ReadOnlySpan<byte> bytes)
    {
        SnapshotJson? json;
        try
        {
            json = JsonSerializer.Deserialize(bytes, RepositoryJsonContext.Go.SnapshotJson);
        }
        catch (JsonException e)
        {
            throw new RepositoryCorruptedException("snapshot", id.ToString(), "not valid snapshot JSON", innerException: e);
        }

        if (json is null || !ObjectId.TryParse(json.Tree, out var tree))
        {
            throw new RepositoryCorruptedException("snapshot", id.ToString(), "no valid 'tree' ID");
        }

        if (!GoTime.TryParse(json.Time, out var time))
        {
            throw new RepositoryCorruptedException("snapshot", id.ToString(), $"invalid time '{json.Time}'");
        }

        return new Snapshot
        {
            Id = id,
            Time = time,
            Parent = ObjectId.TryParse(json.Parent, out var parent) ? parent : null,
            Tree = tree,
            Paths = json.Paths ?? [],
            Hostname = json.Hostname,
            Username = json.Username,
            Uid = json.Uid,
            Gid = json.Gid,
            Excludes = json.Excludes,
            Tags = json.Tags ?? [],
            Original = ObjectId.TryParse(json.Original, out var original) ? original : null,
        };
    }
}
