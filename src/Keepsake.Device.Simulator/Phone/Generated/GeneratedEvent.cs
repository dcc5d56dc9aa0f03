namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>A calendar event (CalendarItem ROWID = <see cref="Id"/>); <see cref="Recurrence"/> is an RRULE-like frequency name or null.</summary>
public sealed record GeneratedEvent(long Id, string Uuid, string Calendar, string Summary, string? Location, DateTimeOffset Start, DateTimeOffset End, bool AllDay, string? Recurrence);
