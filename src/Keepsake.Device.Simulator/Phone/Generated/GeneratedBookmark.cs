namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>A Safari bookmark in <see cref="Folder"/> (a folder of the Favorites bar or the menu).</summary>
public sealed record GeneratedBookmark(long Id, string Folder, string Title, string Url);
