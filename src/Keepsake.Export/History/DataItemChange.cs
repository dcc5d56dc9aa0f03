namespace Keepsake.Export.History;

/// <summary>An item present in both snapshots whose compared fields differ.</summary>
/// <param name="Item">The item as the newer snapshot holds it.</param>
/// <param name="Previous">The item as the older snapshot held it.</param>
/// <param name="ChangedFields">The names of the <see cref="DataItem.Fields"/> that differ, sorted.</param>
public sealed record DataItemChange(DataItem Item, DataItem Previous, IReadOnlyList<string> ChangedFields);
