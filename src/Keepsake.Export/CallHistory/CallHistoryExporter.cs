using Keepsake.Export.Contacts;
using Keepsake.Export.Databases;
using Keepsake.Export.Messages;
using Keepsake.Primitives;

namespace Keepsake.Export.CallHistory;

/// <summary>
/// Exports call history to <c>calls.csv</c>/<c>.json</c>/<c>.html</c> with contact names: from
/// CallHistory.storedata (iOS 8+, <c>ZCALLRECORD</c>, 2001 seconds) or the legacy call_history.db
/// (<c>call</c>, Unix seconds, flags). See docs/design/exporters.md, "Call history".
/// </summary>
public sealed class CallHistoryExporter
{
    /// <summary>Path of CallHistory.storedata inside HomeDomain.</summary>
    public const string StoreDataPath = "Library/CallHistoryDB/CallHistory.storedata";

    /// <summary>Domain of the legacy call_history.db.</summary>
    public const string LegacyDomain = "WirelessDomain";

    /// <summary>Path of the legacy call_history.db inside <see cref="LegacyDomain"/>.</summary>
    public const string LegacyPath = "Library/CallHistory/call_history.db";

    private static readonly string[] Columns = ["id", "date", "direction", "answered", "missed", "duration_seconds", "address", "name", "type", "service", "country"];

    private readonly DatabaseFile _database;
    private readonly ContactNames _contacts;

    public CallHistoryExporter(DatabaseFile database, ContactNames? contacts = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _contacts = contacts ?? ContactNames.Empty;
        if (!database.Schema.HasTable("ZCALLRECORD") && !database.Schema.HasTable("call"))
        {
            throw new ExportException("has neither ZCALLRECORD nor call: not a call history database", database.Description);
        }
    }

    /// <summary>Writes <c>calls.&lt;ext&gt;</c> into <paramref name="destination"/>; returns the number of calls.</summary>
    public Task<long> ExportAsync(string destination, TableFormat format, TimeZoneInfo? zone = null, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        Directory.CreateDirectory(destination);
        var path = new SafePath(destination).ResolveNoFollow($"calls.{TableWriter.Extension(format)}");
        using var writer = new TableWriter(path, format, "Call history", Columns, zone);
        var schema = _database.Schema;
        using var command = _database.Connection.CreateCommand();
        var modern = schema.HasTable("ZCALLRECORD");
        command.CommandText = modern
            ? $"""
              SELECT c.Z_PK, {schema.Select("ZCALLRECORD", "c", "ZDATE")}, {schema.Select("ZCALLRECORD", "c", "ZORIGINATED")}, {schema.Select("ZCALLRECORD", "c", "ZANSWERED")},
                     {schema.Select("ZCALLRECORD", "c", "ZDURATION")}, {schema.Select("ZCALLRECORD", "c", "ZADDRESS")}, {schema.Select("ZCALLRECORD", "c", "ZNAME")},
                     {schema.Select("ZCALLRECORD", "c", "ZCALLTYPE")}, {schema.Select("ZCALLRECORD", "c", "ZSERVICE_PROVIDER")}, {schema.Select("ZCALLRECORD", "c", "ZISO_COUNTRY_CODE")}
              FROM ZCALLRECORD c ORDER BY c.ZDATE, c.Z_PK
              """
            : $"SELECT c.ROWID, c.date, c.flags, NULL, c.duration, c.address, NULL, c.flags, NULL, {schema.Select("call", "c", "country_code")} FROM call c ORDER BY c.date, c.ROWID";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var address = MessageReader.Text(reader, 5);
            var outgoing = modern ? MessageReader.Long(reader, 2) != 0 : (MessageReader.Long(reader, 2) & 1) != 0;
            var answered = modern ? MessageReader.Long(reader, 3) != 0 : MessageReader.Long(reader, 4) > 0;
            var date = modern ? AppleTime.FromCoreData(MessageReader.Double(reader, 1)) : AppleTime.FromUnix(MessageReader.Double(reader, 1));
            var type = modern
                ? MessageReader.Long(reader, 7) switch { 1 => "phone", 8 => "facetime-video", 16 => "facetime-audio", 0 => "app", var n => $"type {n}" }
                : (MessageReader.Long(reader, 7) & 16) != 0 ? "facetime" : "phone";
            writer.Write(
                reader.GetInt64(0),
                date,
                outgoing ? "outgoing" : "incoming",
                answered,
                !outgoing && !answered,
                MessageReader.Double(reader, 4) is var d && double.IsFinite(d) ? d : null,
                address,
                _contacts.Find(address) ?? MessageReader.Text(reader, 6),
                type,
                MessageReader.Text(reader, 8),
                MessageReader.Text(reader, 9));
            progress?.Report(new ExportProgress("calls", writer.Rows, null));
        }

        writer.Commit();
        return Task.FromResult(writer.Rows);
    }
}
