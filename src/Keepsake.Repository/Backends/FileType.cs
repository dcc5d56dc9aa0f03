namespace Keepsake.Repository.Backends;

/// <summary>The kinds of files a repository stores, each in its own folder (restic's layout).</summary>
public enum FileType
{
    /// <summary><c>config</c>: the single encrypted repository configuration.</summary>
    Config,

    /// <summary><c>keys/&lt;id&gt;</c>: key files (plain JSON).</summary>
    Key,

    /// <summary><c>locks/&lt;id&gt;</c>: lock files.</summary>
    Lock,

    /// <summary><c>snapshots/&lt;id&gt;</c>: snapshot files.</summary>
    Snapshot,

    /// <summary><c>index/&lt;id&gt;</c>: index files.</summary>
    Index,

    /// <summary><c>data/&lt;xx&gt;/&lt;id&gt;</c>: pack files.</summary>
    Pack,
}
