using System.Globalization;
using Ical.Net.DataTypes;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Calendar;

/// <summary>
/// The calendar export on the real CalendarItem schema (the mvt fixture's Calendar.sqlitedb, copied),
/// with the tables it lacks added as the real database has them: an older Location with no
/// <c>address</c> column, Recurrence and ExceptionDate. Read back and expanded by Ical.Net.
/// </summary>
public sealed class CalendarExporterTests
{
    private const string Fixture = "mvt-ios-backup/20/2041457d5fe04d39d0ab481178355df6781e6858";

    private static double Apple(int year, int month, int day, int hour = 0) =>
        (new DateTimeOffset(year, month, day, hour, 0, 0, TimeSpan.Zero) - new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds;

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    [ToolFact("sqlite3")]
    public async Task Export_RealSchemaWithRecurrences_AllDayDaysRulesAndExceptionsAsIcalNetExpandsThem()
    {
        if (!Fixtures.Exists(Fixture))
        {
            Assert.True(Fixtures.Root is null, $"fixture {Fixture} missing");
            return;
        }

        using var temp = new TempDirectory();
        var copy = Fixtures.CopySqlite(Fixture, temp);
        var holiday = Apple(2024, 12, 31);
        var meeting = Apple(2025, 1, 6, 9);
        var sql = $"""
            DELETE FROM CalendarItem;
            CREATE TABLE Calendar (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, store_id INTEGER, title TEXT, flags INTEGER, color TEXT, type TEXT, UUID TEXT);
            CREATE TABLE Location (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT, latitude REAL, longitude REAL, item_owner_id INTEGER);
            CREATE TABLE Recurrence (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, frequency INTEGER, interval INTEGER, week_start INTEGER, count INTEGER, cached_end_date REAL, end_date REAL, specifier TEXT, owner_id INTEGER, external_id TEXT, UUID TEXT);
            CREATE TABLE ExceptionDate (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, date REAL, owner_id INTEGER);
            INSERT INTO Calendar (ROWID, title) VALUES (1, 'Home');
            INSERT INTO Location (ROWID, title, item_owner_id) VALUES (1, 'Office', 2);
            INSERT INTO CalendarItem (ROWID, summary, start_date, start_tz, end_date, end_tz, all_day, calendar_id, UUID, has_recurrences)
                VALUES (1, 'New Year''s Eve', {F(holiday)}, '_float', {F(holiday + 86399)}, '_float', 1, 1, 'HOLIDAY', 0);
            INSERT INTO CalendarItem (ROWID, summary, location_id, start_date, start_tz, end_date, end_tz, all_day, calendar_id, UUID, has_recurrences)
                VALUES (2, 'Weekly', 1, {F(meeting)}, 'UTC', {F(meeting + 3600)}, 'UTC', 0, 1, 'WEEKLY', 1);
            INSERT INTO Recurrence (frequency, interval, count, end_date, specifier, owner_id) VALUES (2, 1, 0, {F(Apple(2025, 2, 3, 9))}, 'D=0MO', 2);
            INSERT INTO ExceptionDate (date, owner_id) VALUES ({F(Apple(2025, 1, 20, 9))}, 2);
            INSERT INTO CalendarItem (ROWID, summary, start_date, start_tz, end_date, end_tz, all_day, calendar_id, UUID, orig_item_id, orig_date)
                VALUES (3, 'Weekly (moved)', {F(Apple(2025, 1, 13, 10))}, 'UTC', {F(Apple(2025, 1, 13, 11))}, 'UTC', 0, 1, 'MOVED', 2, {F(Apple(2025, 1, 13, 9))});
            INSERT INTO CalendarItem (ROWID, summary, start_date, start_tz, end_date, end_tz, all_day, calendar_id, UUID, has_recurrences)
                VALUES (4, 'Last Friday', {F(Apple(2025, 1, 31))}, '_float', {F(Apple(2025, 1, 31) + 86399)}, '_float', 1, 1, 'LASTFRIDAY', 1);
            INSERT INTO Recurrence (frequency, interval, count, specifier, owner_id) VALUES (3, 1, 3, 'D=-1FR', 4);
            """;
        ExternalTool.Run("sqlite3", [copy, sql]).EnsureSuccess("sqlite3");

        var result = await ExportRunner.RunAsync(ExportKind.Calendar, copy, temp.Combine("out"));
        Assert.Equal(4, result.Counts["events"]);
        var ics = ExportRunnerTests.ReadICalendar(Directory.GetFiles(temp.Combine("out"), "*.ics").Single());

        // A one-day all-day event (start + 86,399 s) covers one day: DTEND is the next day, not the one after.
        var eve = ics.Events.Single(e => e.Uid == "HOLIDAY");
        Assert.True(eve.IsAllDay);
        Assert.Equal(new DateTime(2024, 12, 31), eve.DtStart!.Value);
        Assert.Equal(new DateTime(2025, 1, 1), eve.DtEnd!.Value);

        // The older Location (no address column) still gives the place.
        Assert.Equal("Office", ics.Events.First(e => e.Uid == "WEEKLY").Location);

        // Weekly on Mondays until 3 February, 20 January removed, 13 January moved to 10:00.
        var starts = ics.GetOccurrences(new CalDateTime(2025, 1, 1, 0, 0, 0, "UTC"))
            .Select(o => o.Period.StartTime.AsUtc)
            .TakeWhile(t => t < new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc))
            .ToList();
        var weekly = starts.Where(t => t.Hour is 9 or 10).ToList();
        Assert.Equal(
            [new DateTime(2025, 1, 6, 9, 0, 0), new DateTime(2025, 1, 13, 10, 0, 0), new DateTime(2025, 1, 27, 9, 0, 0), new DateTime(2025, 2, 3, 9, 0, 0)],
            weekly.Select(t => DateTime.SpecifyKind(t, DateTimeKind.Unspecified)));

        // The last Friday of three months.
        var fridays = ics.Events.Single(e => e.Uid == "LASTFRIDAY").GetOccurrences(new CalDateTime(2025, 1, 1))
            .Select(o => o.Period.StartTime.Value).TakeWhile(t => t < new DateTime(2026, 1, 1)).ToList();
        Assert.Equal([new DateTime(2025, 1, 31), new DateTime(2025, 2, 28), new DateTime(2025, 3, 28)], fridays);
    }
}
