using System.Globalization;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.Export.Tests.CallHistory;

public sealed class CallHistoryExporterTests
{
    /// <summary>
    /// The legacy WirelessDomain call_history.db (iOS 7 and older): table <c>call</c>, Unix seconds,
    /// <c>flags</c> bit 0 = outgoing, bit 4 = FaceTime, answered when the duration is above 0.
    /// </summary>
    [ToolFact("sqlite3")]
    public async Task RunAsync_LegacyCallTable_DirectionsTypesAndUnixDates()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("call_history.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE call (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT, date INTEGER, duration INTEGER, flags INTEGER, id INTEGER, name TEXT, country_code TEXT, network_code TEXT, read INTEGER, assisted INTEGER, face_time_data BLOB, originalAddress TEXT);
                INSERT INTO call (address, date, duration, flags, id, country_code) VALUES ('+15551230000', 1300000000, 125, 5, -1, '310');
                INSERT INTO call (address, date, duration, flags, id, country_code) VALUES ('+15551230001', 1300000500, 0, 4, -1, '310');
                INSERT INTO call (address, date, duration, flags, id, country_code) VALUES ('bob@example.com', 1300001000, 60, 20, -1, '310');
                INSERT INTO call (address, date, duration, flags, id, country_code) VALUES ('+15551230002', 1299999000, 0, 21, -1, '310');
                """;
            command.ExecuteNonQuery();
        }

        var result = await ExportRunner.RunAsync(ExportKind.Calls, path, temp.Combine("out"));
        var expected = long.Parse(ExternalTool.Run("sqlite3", [path, "SELECT COUNT(*) FROM call"]).EnsureSuccess("sqlite3").StandardOutput.Trim(), CultureInfo.InvariantCulture);
        Assert.Equal(expected, result.Counts["calls"]);
        var rows = CsvReader.Parse(File.ReadAllText(temp.Combine("out", "calls.csv")));
        Assert.Equal(expected + 1, rows.Count);

        // Sorted by date: ROWID 4 (earliest) first. Columns: id, date, direction, answered, missed, duration, address, name, type, service, country.
        Assert.Equal(["4", "2011-03-13T06:50:00.000+00:00", "outgoing", "false", "false", "0", "+15551230002", "", "facetime", "", "310"], rows[1]);
        Assert.Equal(["1", "2011-03-13T07:06:40.000+00:00", "outgoing", "true", "false", "125", "+15551230000", "", "phone", "", "310"], rows[2]);
        Assert.Equal(["2", "2011-03-13T07:15:00.000+00:00", "incoming", "false", "true", "0", "+15551230001", "", "phone", "", "310"], rows[3]);
        Assert.Equal(["3", "2011-03-13T07:23:20.000+00:00", "incoming", "true", "false", "60", "bob@example.com", "", "facetime", "", "310"], rows[4]);
    }
}
