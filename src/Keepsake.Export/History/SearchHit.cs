namespace Keepsake.Export.History;

/// <summary>One item found by <see cref="SearchIndex"/>.</summary>
/// <param name="Id">The item's stable id (<c>message:&lt;guid&gt;</c>, <c>note:&lt;id&gt;</c>, <c>contact:&lt;id&gt;</c>...), as <c>keepsake show</c> takes it.</param>
/// <param name="Device">The device (UDID) whose backups hold it.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Date">Its date (sent, taken, called, modified), when known.</param>
/// <param name="Title">Its conversation, name, file or title (see <see cref="DataItem.Title"/>).</param>
/// <param name="Sender">Messages: the sender.</param>
/// <param name="Snippet">The matching text with the matches in [brackets] (the whole text for <see cref="SearchIndex.Find"/>).</param>
/// <param name="FirstSnapshot">The oldest indexed snapshot that holds it.</param>
/// <param name="LastSnapshot">The newest indexed snapshot that holds it.</param>
public sealed record SearchHit(string Id, string Device, DataKind Kind, DateTimeOffset? Date, string Title, string? Sender, string Snippet, string FirstSnapshot, string LastSnapshot)
{
    /// <summary>bm25 rank: lower is better (0 when not ranked).</summary>
    public double Rank { get; init; }

    /// <summary>The device's first indexed snapshot after <see cref="LastSnapshot"/>: the item is not in it (deleted on the phone, or expired); null when the newest snapshot holds it.</summary>
    public string? DeletedSince { get; init; }
}
