namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>A Safari history visit (history_visits id = <see cref="Id"/>).</summary>
public sealed record GeneratedVisit(long Id, string Url, string Title, DateTimeOffset Time);
