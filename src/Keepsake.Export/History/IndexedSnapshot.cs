namespace Keepsake.Export.History;

/// <summary>A snapshot as <see cref="SearchIndex"/> records it.</summary>
/// <param name="Id">The snapshot's id.</param>
/// <param name="Time">When it was taken.</param>
/// <param name="Device">The device it holds (its UDID).</param>
public sealed record IndexedSnapshot(string Id, DateTimeOffset Time, string Device)
{
    /// <summary>The items it held when indexed.</summary>
    public long Items { get; init; }
}
