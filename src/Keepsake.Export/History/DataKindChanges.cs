namespace Keepsake.Export.History;

/// <summary>What changed in one kind of data between two snapshots.</summary>
/// <param name="Kind">The kind compared.</param>
/// <param name="InOlder">Whether the older snapshot holds this kind's database at all.</param>
/// <param name="InNewer">Whether the newer snapshot holds it.</param>
/// <param name="Added">Items in the newer snapshot only, by id.</param>
/// <param name="Deleted">Items in the older snapshot only, by id.</param>
/// <param name="Changed">Items in both whose fields differ, by id.</param>
public sealed record DataKindChanges(
    DataKind Kind,
    bool InOlder,
    bool InNewer,
    IReadOnlyList<DataItem> Added,
    IReadOnlyList<DataItem> Deleted,
    IReadOnlyList<DataItemChange> Changed);
