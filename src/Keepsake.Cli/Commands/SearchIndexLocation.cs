using Keepsake.Export.History;

namespace Keepsake.Cli.Commands;

/// <summary>Where a vault's search index lives (owner-only, outside the vault) and what it holds, as the commands tell it.</summary>
internal static class SearchIndexLocation
{
    /// <summary>The index of the vault with id <paramref name="vaultId"/>: <c>&lt;data folder&gt;/index/&lt;vault id&gt;.sqlite</c>.</summary>
    public static string For(string vaultId) => Path.Combine(DeviceAccess.DataFolder(), "index", vaultId + ".sqlite");

    public static string Explanation(string path) =>
        $"The search index is a plain (unencrypted) copy of the text of every message, note, contact, call and photo name in the vault's phone backups, kept once per item with the snapshots that hold it. It lives outside the vault at {path}, readable by you only. Encrypted backups are indexed only when their password is given. 'keepsake index --delete' removes it.";

    /// <summary>Fails clearly when this SQLite lacks FTS5.</summary>
    public static void EnsureFts5()
    {
        if (!SearchIndex.HasFts5())
        {
            throw new NotSupportedException("this build's SQLite has no FTS5 (ENABLE_FTS5): the search index cannot be built.");
        }
    }
}
