using System.Globalization;
using System.Text.Json;
using Keepsake.Export;
using Keepsake.Primitives;

namespace Keepsake.Web.Data;

/// <summary>
/// Contacts, calls, notes, voicemail, calendar, Safari and WhatsApp made readable in a page: the kind's
/// own exporter writes its file into a private temporary folder (deleted at once), and that file is read
/// back into tables. What a page shows is therefore exactly what the download holds.
/// </summary>
public static class KindReader
{
    /// <summary>The kinds with a page, by URL name, with the format read for the page.</summary>
    public static readonly IReadOnlyDictionary<string, (ExportKind Kind, string Format, string Title)> Kinds = new Dictionary<string, (ExportKind, string, string)>(StringComparer.Ordinal)
    {
        ["contacts"] = (ExportKind.Contacts, "vcf", "Contacts"),
        ["calls"] = (ExportKind.Calls, "json", "Calls"),
        ["notes"] = (ExportKind.Notes, "txt", "Notes"),
        ["voicemail"] = (ExportKind.Voicemail, "json", "Voicemail"),
        ["calendar"] = (ExportKind.Calendar, "ics", "Calendar"),
        ["safari"] = (ExportKind.Safari, "json", "Safari"),
        ["whatsapp"] = (ExportKind.WhatsApp, "json", "WhatsApp"),
    };

    /// <summary>Rows shown per table; the download holds all of them.</summary>
    public const int RowLimit = 200;

    /// <summary>The download formats of a kind (aliases left out).</summary>
    public static IReadOnlyList<string> DownloadFormats(ExportKind kind) =>
        [.. ExportRunner.FormatsOf(kind).Where(f => f is not ("text" or "markdown" or "vcard"))];

    public static async Task<IReadOnlyList<DataTable>> ReadAsync(SnapshotView view, ExportKind kind, string format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (view.CachedTables.TryGetValue(kind, out var cached))
        {
            return cached;
        }

        var tables = await ExportTablesAsync(view, kind, format, cancellationToken);
        view.CachedTables[kind] = tables;
        return tables;
    }

    private static async Task<IReadOnlyList<DataTable>> ExportTablesAsync(SnapshotView view, ExportKind kind, string format, CancellationToken cancellationToken)
    {
        var folder = RunTemp.CreateFolder("web-read");
        try
        {
            await ExportRunner.RunAsync(kind, view.Source, folder, new ExportOptions { Format = format }, cancellationToken: cancellationToken);
            var tables = new List<DataTable>();
            foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                switch (Path.GetExtension(file).ToLowerInvariant())
                {
                    case ".json":
                        tables.AddRange(FromJson(name, file));
                        break;
                    case ".vcf":
                        tables.Add(FromBlocks(name, file, "VCARD", ["FN", "TEL", "EMAIL", "ORG", "BDAY"]));
                        break;
                    case ".ics":
                        tables.Add(FromBlocks(name, file, "VEVENT", ["SUMMARY", "DTSTART", "DTEND", "LOCATION", "RRULE"]));
                        break;
                    case ".txt":
                        var text = await File.ReadAllTextAsync(file, cancellationToken);
                        tables.Add(new DataTable(name, ["Text"], [[text.Length > 4000 ? text[..4000] + "…" : text]], 1));
                        break;
                }
            }

            return tables;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static List<DataTable> FromJson(string name, string file)
    {
        using var stream = File.OpenRead(file);
        using var document = JsonDocument.Parse(stream);
        var tables = new List<DataTable>();
        Collect(name, document.RootElement, tables, depth: 0);
        return tables;
    }

    private static void Collect(string name, JsonElement element, List<DataTable> tables, int depth)
    {
        if (depth > 3)
        {
            return;
        }

        if (element.ValueKind == JsonValueKind.Array && element.GetArrayLength() > 0 && element[0].ValueKind == JsonValueKind.Object)
        {
            var columns = new List<string>();
            foreach (var item in element.EnumerateArray().Take(50))
            {
                foreach (var property in item.EnumerateObject())
                {
                    if (property.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array) && !columns.Contains(property.Name))
                    {
                        columns.Add(property.Name);
                    }
                }
            }

            var rows = element.EnumerateArray().Take(RowLimit)
                .Select(item => (IReadOnlyList<string>)[.. columns.Select(c => item.TryGetProperty(c, out var v) ? Text(v) : string.Empty)])
                .ToList();
            tables.Add(new DataTable(name, columns, rows, element.GetArrayLength()));
            return;
        }

        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                Collect(property.Name == "messages" ? name : $"{name}: {property.Name}", property.Value, tables, depth + 1);
            }
        }
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Null => string.Empty,
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        _ => value.GetRawText(),
    };

    /// <summary>vCard and iCalendar: one row per BEGIN:<paramref name="block"/>, the named properties as columns (lines unfolded).</summary>
    private static DataTable FromBlocks(string name, string file, string block, string[] columns)
    {
        var rows = new List<IReadOnlyList<string>>();
        Dictionary<string, string>? current = null;
        var total = 0;
        foreach (var line in Unfold(File.ReadLines(file)))
        {
            if (line.Equals("BEGIN:" + block, StringComparison.OrdinalIgnoreCase))
            {
                current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                continue;
            }

            if (line.Equals("END:" + block, StringComparison.OrdinalIgnoreCase) && current is not null)
            {
                total++;
                if (rows.Count < RowLimit)
                {
                    rows.Add([.. columns.Select(c => current.GetValueOrDefault(c) ?? string.Empty)]);
                }

                current = null;
                continue;
            }

            if (current is null)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon];
            var semicolon = key.IndexOf(';', StringComparison.Ordinal);
            if (semicolon > 0)
            {
                key = key[..semicolon];
            }

            var value = line[(colon + 1)..].Replace("\\,", ",", StringComparison.Ordinal).Replace("\\;", ";", StringComparison.Ordinal).Replace("\\n", " ", StringComparison.OrdinalIgnoreCase);
            current[key] = current.TryGetValue(key, out var existing) ? existing + ", " + value : value;
        }

        return new DataTable(name, [.. columns.Select(c => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(c.ToLowerInvariant()))], rows, total);
    }

    private static IEnumerable<string> Unfold(IEnumerable<string> lines)
    {
        string? pending = null;
        foreach (var line in lines)
        {
            if (pending is not null && line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
            {
                pending += line[1..];
                continue;
            }

            if (pending is not null)
            {
                yield return pending;
            }

            pending = line;
        }

        if (pending is not null)
        {
            yield return pending;
        }
    }
}
