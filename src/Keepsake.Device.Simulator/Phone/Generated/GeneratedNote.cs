namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>A note (ZICCLOUDSYNCINGOBJECT Z_PK = <see cref="Id"/>) in <see cref="Folder"/>; a locked note's body is not readable.</summary>
public sealed record GeneratedNote(long Id, string Folder, string Title, string Body, DateTimeOffset Created, DateTimeOffset Modified, bool Locked);
