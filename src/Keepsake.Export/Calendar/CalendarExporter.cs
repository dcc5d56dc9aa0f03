using Keepsake.Export.Databases;
using Keepsake.Export.Messages;
using Keepsake.Primitives;

namespace Keepsake.Export.Calendar;

/// <summary>
/// Exports Calendar.sqlitedb events (CalendarItem) to one iCalendar file per calendar, or
/// <c>calendar.ics</c> when the Calendar table is absent. Times are written in UTC; all-day events
/// as DATE values spanning the days they cover. A recurring event carries its RRULE (Recurrence),
/// its EXDATEs (ExceptionDate) and its changed occurrences as RECURRENCE-ID events under the same UID.
/// Columns are found at run time, so older databases (a Location without <c>address</c>) export too.
/// See docs/design/exporters.md, "Calendar".
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
        var recurrences = ReadRecurrences(calendar);
        var exceptions = ReadExceptionDates(calendar);
        using var command = calendar.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT e.ROWID, {schema.Select(T, "e", "summary")}, {schema.Select(T, "e", "description")}, {schema.Select(T, "e", "start_date")}, {schema.Select(T, "e", "end_date")},
                   {schema.Select(T, "e", "all_day")}, {schema.Select(T, "e", "url")}, {schema.Select(T, "e", "UUID")}, {schema.Select(T, "e", "unique_identifier")},
                   {schema.Select(T, "e", "last_modified")}, {schema.Select(T, "e", "creation_date")},
                   {(hasCalendars ? $"c.ROWID, {schema.Select("Calendar", "c", "title", "calendar_title")}" : "NULL, NULL")},
                   {(hasLocations ? $"{schema.Select("Location", "l", "title", "location_title")}, {schema.Select("Location", "l", "address")}" : "NULL, NULL")},
                   {schema.Select(T, "e", "hidden")}, {schema.Select(T, "e", "orig_item_id")}, {schema.Select(T, "e", "orig_date")}
            FROM CalendarItem e
            {(hasCalendars ? "LEFT JOIN Calendar c ON c.ROWID = e.calendar_id" : string.Empty)}
            {(hasLocations ? "LEFT JOIN Location l ON l.ROWID = e.location_id" : string.Empty)}
            ORDER BY {(hasCalendars ? "e.calendar_id, " : string.Empty)}e.start_date, e.ROWID
            """;
        var uids = ReadSeriesUids(calendar);
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
                var master = MessageReader.Long(reader, 16);
                var uid = master > 0 && uids.TryGetValue(master, out var seriesUid) ? seriesUid : Uid(reader, id);
                writer.WriteLine("UID", ICalendarWriter.Escape(uid));
                writer.WriteLine("DTSTAMP", stamp);
                if (start is { } s)
                {
                    // All-day items are stored as midnight of a floating day; noon UTC keeps the same calendar day.
                    var day = s.AddHours(12).UtcDateTime.Date;
                    writer.WriteLine(allDay ? "DTSTART;VALUE=DATE" : "DTSTART", allDay ? ICalendarWriter.Date(day) : ICalendarWriter.UtcDateTime(s));
                    if (end is { } e && e >= s)
                    {
                        // An all-day item ends one second before midnight (a one-day event is start + 86,399 s);
                        // DTEND is exclusive, so it is the day after the last day covered.
                        var days = Math.Max(1, (int)Math.Round((e - s).TotalDays, MidpointRounding.AwayFromZero));
                        writer.WriteLine(allDay ? "DTEND;VALUE=DATE" : "DTEND", allDay ? ICalendarWriter.Date(day.AddDays(days)) : ICalendarWriter.UtcDateTime(e));
                    }

                    if (master <= 0)
                    {
                        foreach (var rule in recurrences.GetValueOrDefault(id) ?? [])
                        {
                            if (rule.ToRule(allDay) is { } value)
                            {
                                writer.WriteLine("RRULE", value);
                            }
                        }

                        foreach (var excluded in exceptions.GetValueOrDefault(id) ?? [])
                        {
                            writer.WriteLine(allDay ? "EXDATE;VALUE=DATE" : "EXDATE", allDay ? ICalendarWriter.Date(excluded.AddHours(12).UtcDateTime.Date) : ICalendarWriter.UtcDateTime(excluded));
                        }
                    }
                }

                if (master > 0 && AppleTime.FromCoreData(MessageReader.Double(reader, 17)) is { } original)
                {
                    writer.WriteLine(allDay ? "RECURRENCE-ID;VALUE=DATE" : "RECURRENCE-ID", allDay ? ICalendarWriter.Date(original.AddHours(12).UtcDateTime.Date) : ICalendarWriter.UtcDateTime(original));
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

    private static string Uid(System.Data.Common.DbDataReader reader, long id) =>
        MessageReader.Text(reader, 7) ?? MessageReader.Text(reader, 8) ?? $"calendaritem-{id}@keepsake";

    /// <summary>The UID of every item that has changed occurrences (CalendarItem.orig_item_id), so those share it.</summary>
    private static Dictionary<long, string> ReadSeriesUids(DatabaseFile calendar)
    {
        var result = new Dictionary<long, string>();
        var schema = calendar.Schema;
        if (!schema.HasColumn("CalendarItem", "orig_item_id"))
        {
            return result;
        }

        using var command = calendar.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT e.ROWID, NULL, NULL, NULL, NULL, NULL, NULL, {schema.Select("CalendarItem", "e", "UUID")}, {schema.Select("CalendarItem", "e", "unique_identifier")}
            FROM CalendarItem e WHERE e.ROWID IN (SELECT orig_item_id FROM CalendarItem WHERE orig_item_id > 0)
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var id = reader.GetInt64(0);
            result[id] = Uid(reader, id);
        }

        return result;
    }

    /// <summary>Recurrence rows by the item that owns them (Recurrence.owner_id).</summary>
    private static Dictionary<long, List<CalendarRecurrence>> ReadRecurrences(DatabaseFile calendar)
    {
        var result = new Dictionary<long, List<CalendarRecurrence>>();
        var schema = calendar.Schema;
        const string R = "Recurrence";
        if (!schema.HasColumn(R, "owner_id") || !schema.HasColumn(R, "frequency"))
        {
            return result;
        }

        using var command = calendar.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT r.owner_id, r.frequency, {schema.Select(R, "r", "interval")}, {schema.Select(R, "r", "count")}, {schema.Select(R, "r", "end_date")}, {schema.Select(R, "r", "specifier")}
            FROM Recurrence r WHERE r.owner_id IS NOT NULL ORDER BY r.owner_id, r.ROWID
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var owner = MessageReader.Long(reader, 0);
            var list = result.TryGetValue(owner, out var l) ? l : result[owner] = [];
            list.Add(new CalendarRecurrence(MessageReader.Long(reader, 1), MessageReader.Long(reader, 2), MessageReader.Long(reader, 3), AppleTime.FromCoreData(MessageReader.Double(reader, 4)), MessageReader.Text(reader, 5)));
        }

        return result;
    }

    /// <summary>Removed occurrences (ExceptionDate.date) by the item that owns them.</summary>
    private static Dictionary<long, List<DateTimeOffset>> ReadExceptionDates(DatabaseFile calendar)
    {
        var result = new Dictionary<long, List<DateTimeOffset>>();
        if (!calendar.Schema.HasColumn("ExceptionDate", "owner_id") || !calendar.Schema.HasColumn("ExceptionDate", "date"))
        {
            return result;
        }

        using var command = calendar.Connection.CreateCommand();
        command.CommandText = "SELECT owner_id, date FROM ExceptionDate WHERE owner_id IS NOT NULL ORDER BY owner_id, date";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (AppleTime.FromCoreData(MessageReader.Double(reader, 1)) is { } date)
            {
                var owner = MessageReader.Long(reader, 0);
                (result.TryGetValue(owner, out var l) ? l : result[owner] = []).Add(date);
            }
        }

        return result;
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
