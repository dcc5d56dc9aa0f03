using System.Text.Json;

namespace Keepsake.Export;

/// <summary>
/// The record an exporter keeps in its output folder (<c>.keepsake-export-&lt;kind&gt;-&lt;format&gt;.json</c>)
/// so that exporting again into the same folder only adds what is new: per item (a conversation),
/// the file written, the highest source row id in it and how many entries it held.
/// Written atomically (temporary file, then rename).
/// </summary>
public sealed class ExportManifest
{
    private readonly Dictionary<string, ExportManifestItem> _items = new(StringComparer.Ordinal);

    /// <summary>The manifest's file name for an export kind and format.</summary>
    public static string FileName(string kind, string format) => $".keepsake-export-{kind}-{format}.json";

    public IReadOnlyDictionary<string, ExportManifestItem> Items => _items;

    /// <summary>Reads a manifest; a missing or unreadable file gives an empty one (everything is exported again).</summary>
    public static ExportManifest Load(string path)
    {
        var manifest = new ExportManifest();
        if (!File.Exists(path))
        {
            return manifest;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object)
            {
                foreach (var item in items.EnumerateObject())
                {
                    manifest._items[item.Name] = new ExportManifestItem(
                        item.Value.GetProperty("file").GetString() ?? string.Empty,
                        item.Value.GetProperty("lastRowId").GetInt64(),
                        item.Value.GetProperty("count").GetInt64());
                }
            }
        }
        catch (JsonException)
        {
            manifest._items.Clear();
        }
        catch (KeyNotFoundException)
        {
            manifest._items.Clear();
        }
        catch (InvalidOperationException)
        {
            manifest._items.Clear();
        }

        return manifest;
    }

    public void Set(string key, ExportManifestItem item) => _items[key] = item;

    /// <summary>Writes the manifest atomically.</summary>
    public void Save(string path)
    {
        var partial = path + ".partial";
        using (var stream = File.Create(partial))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteStartObject("items");
            foreach (var (key, item) in _items.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject(key);
                json.WriteString("file", item.File);
                json.WriteNumber("lastRowId", item.LastRowId);
                json.WriteNumber("count", item.Count);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        ExportFiles.Commit(partial, path);
    }
}
