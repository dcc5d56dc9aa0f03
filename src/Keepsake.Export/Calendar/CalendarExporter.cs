using Keepsake.Export.Databases;
using Keepsake.Export.Messages;
using Keepsake.Primitives;

namespace Keepsake.Export.Calendar;

/// <summary>
/// Exports Calendar.sqlitedb events (CalendarItem) to one iCalendar file per calendar, or
/// <c>calendar.ics</c> when the Calendar table is absent. Times are written in UTC; all-day events
/// as DATE values. Recurrence rules are not exported (each stored occurrence is). See
/// docs/design/exporters.md, "Calendar".
/// </summary>
public static class CalendarExporter
{
    public const string Domain = "HomeDomain";

    public const string Path = "Library/Calendar/Calendar.sqlitedb";

    /// <summary>Writes the .ics files into <paramref name="destination"/>; returns the number of events.</summary>
    public static long Export(DatabaseFile calendar, string destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        var schema = calendar.Schema;
        const string T = "CalendarItem";
        if (!schema.HasTable(T))
        {
            throw new ExportException("has no CalendarItem table: not a Calendar.sqlitedb", calendar.Description);
        }

        Directory.CreateDirectory(destination);
        var root = new SafePath(destination);
        var hasCalendars = schema.HasTable("Calendar") && schema.HasColumn(T, "calendar_id");
        var hasLocations = schema.HasTable("Location") && schema.HasColumn(T, "location_id");
        using var command = calendar.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT e.ROWID, {schema.Select(T, "e", "summary")}, {schema.Select(T, "e", "description")}, {schema.Select(T, "e", "start_date")}, {schema.Select(T, "e", "end_date")},
                   {schema.Select(T, "e", "all_day")}, {schema.Select(T, "e", "url")}, {schema.Select(T, "e", "UUID")}, {schema.Select(T, "e", "unique_identifier")},
                   {schema.Select(T, "e", "last_modified")}, {schema.Select(T, "e", "creation_date")},
                   {(hasCalendars ? "c.ROWID, c.title" : "NULL, NULL")}, {(hasLocations ? "l.title, l.address" : "NULL, NULL")},
                   {schema.Select(T, "e", "hidden")}
            FROM CalendarItem e
            {(hasCalendars ? "LEFT JOIN Calendar c ON c.ROWID = e.calendar_id" : string.Empty)}
            {(hasLocations ? "LEFT JOIN Location l ON l.ROWID = e.location_id" : string.Empty)}
            ORDER BY {(hasCalendars ? "e.calendar_id, " : string.Empty)}e.start_date, e.ROWID
            """;
        using var reader = command.ExecuteReader();
        long events = 0;
        long? currentCalendar = long.MinValue;
        ICalendarWriter? writer = null;
        string? partial = null, final = null;
        var stamp = ICalendarWriter.UtcDateTime(DateTimeOffset.UtcNow);
        try
        {
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                long? calendarId = reader.IsDBNull(11) ? null : reader.GetInt64(11);
                if (writer is null || calendarId != currentCalendar)
                {
                    Close(ref writer, partial, final);
                    currentCalendar = calendarId;
                    var title = MessageReader.Text(reader, 12);
                    final = root.ResolveNoFollow(calendarId is null ? "calendar.ics" : $"{ExportFiles.SafeSegment(title, "calendar", 60)} [{calendarId}].ics");
                    partial = final + ".partial";
                    writer = new ICalendarWriter(new StreamWriter(partial, false, ExportFiles.Utf8));
                    writer.WriteLine("BEGIN", "VCALENDAR");
                    writer.WriteLine("VERSION", "2.0");
                    writer.WriteLine("PRODID", "-//Keepsake//Export//EN");
                    writer.WriteLine("CALSCALE", "GREGORIAN");
                    if (title is not null)
                    {
                        writer.WriteLine("X-WR-CALNAME", ICalendarWriter.Escape(title));
                    }
                }

                var id = reader.GetInt64(0);
                var start = AppleTime.FromCoreData(MessageReader.Double(reader, 3));
                var end = AppleTime.FromCoreData(MessageReader.Double(reader, 4));
                var allDay = MessageReader.Long(reader, 5) != 0;
                writer.WriteLine("BEGIN", "VEVENT");
                var uid = MessageReader.Text(reader, 7) ?? MessageReader.Text(reader, 8) ?? $"calendaritem-{id}@keepsake";
                writer.WriteLine("UID", ICalendarWriter.Escape(uid));
                writer.WriteLine("DTSTAMP", stamp);
                if (start is { } s)
                {
                    // All-day items are stored as midnight of a floating day; noon UTC keeps the same calendar day.
                    writer.WriteLine(allDay ? "DTSTART;VALUE=DATE" : "DTSTART", allDay ? ICalendarWriter.Date(s.AddHours(12).UtcDateTime.Date) : ICalendarWriter.UtcDateTime(s));
                    if (end is { } e && e >= s)
                    {
                        writer.WriteLine(allDay ? "DTEND;VALUE=DATE" : "DTEND", allDay ? ICalendarWriter.Date(e.AddHours(12).UtcDateTime.Date.AddDays(e - s < TimeSpan.FromDays(1) ? 1 : 0)) : ICalendarWriter.UtcDateTime(e));
                    }
                }

                writer.WriteLine("SUMMARY", ICalendarWriter.Escape(MessageReader.Text(reader, 1) ?? string.Empty));
                if (MessageReader.Text(reader, 2) is { Length: > 0 } description)
                {
                    writer.WriteLine("DESCRIPTION", ICalendarWriter.Escape(description));
                }

                var location = string.Join(", ", new[] { MessageReader.Text(reader, 13), MessageReader.Text(reader, 14) }.Where(x => !string.IsNullOrWhiteSpace(x)));
                if (location.Length > 0)
                {
                    writer.WriteLine("LOCATION", ICalendarWriter.Escape(location));
                }

                if (MessageReader.Text(reader, 6) is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
                {
                    writer.WriteLine("URL", uri.AbsoluteUri);
                }

                if (AppleTime.FromCoreData(MessageReader.Double(reader, 10)) is { } created)
                {
                    writer.WriteLine("CREATED", ICalendarWriter.UtcDateTime(created));
                }

                if (AppleTime.FromCoreData(MessageReader.Double(reader, 9)) is { } modified)
                {
                    writer.WriteLine("LAST-MODIFIED", ICalendarWriter.UtcDateTime(modified));
                }

                writer.WriteLine("END", "VEVENT");
                events++;
            }

            if (writer is null)
            {
                final = root.ResolveNoFollow("calendar.ics");
                partial = final + ".partial";
                writer = new ICalendarWriter(new StreamWriter(partial, false, ExportFiles.Utf8));
                writer.WriteLine("BEGIN", "VCALENDAR");
                writer.WriteLine("VERSION", "2.0");
                writer.WriteLine("PRODID", "-//Keepsake//Export//EN");
            }

            Close(ref writer, partial, final);
        }
        catch
        {
            writer?.Dispose();
            if (partial is not null)
            {
                ExportFiles.TryDelete(partial);
            }

            throw;
        }

        return events;
    }

    private static void Close(ref ICalendarWriter? writer, string? partial, string? final)
    {
        if (writer is null)
        {
            return;
        }

        writer.WriteLine("END", "VCALENDAR");
        writer.Dispose();
        writer = null;
        ExportFiles.Commit(partial!, final!);
    }
}
