using System.Text.Encodings.Web;
using System.Text.Json;

namespace Keepsake.Cli;

/// <summary>
/// Listing commands given --json print exactly one JSON array of objects on standard output,
/// streamed as items are produced (a large listing is never held in memory).
/// </summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void WriteArray<T>(TextWriter output, IEnumerable<T> items, Action<Utf8JsonWriter, T> writeObject)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(writeObject);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                writer.WriteStartObject();
                writeObject(writer, item);
                writer.WriteEndObject();
                if (writer.BytesPending + stream.Length > 64 * 1024)
                {
                    writer.Flush();
                    Drain(stream, output);
                }
            }

            writer.WriteEndArray();
        }

        Drain(stream, output);
        output.WriteLine();
        output.Flush();
    }

    /// <summary>A command's report as one JSON object (documented in docs/schemas/&lt;command&gt;.schema.json).</summary>
    public static void WriteObject(TextWriter output, Action<Utf8JsonWriter> writeProperties)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(writeProperties);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        Drain(stream, output);
        output.WriteLine();
        output.Flush();
    }

    /// <summary>A snapshot as the reports name it: ids, time, and the phone it is of.</summary>
    public static void WriteSnapshot(this Utf8JsonWriter writer, Repository.Snapshots.Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(snapshot);
        writer.WriteStartObject();
        writer.WriteString("id", snapshot.Id.ToString());
        writer.WriteString("shortId", snapshot.ShortId);
        writer.WriteDate("time", snapshot.Time);
        writer.WriteStringOrNull("host", snapshot.Hostname);
        writer.WriteStringOrNull("udid", Engine.Vault.AppleBackupTags.Get(snapshot, "udid"));
        writer.WriteStringOrNull("device", Engine.Vault.AppleBackupTags.Get(snapshot, "device"));
        writer.WriteEndObject();
    }

    /// <summary>An array of strings.</summary>
    public static void WriteStrings(this Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(values);
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void Drain(MemoryStream stream, TextWriter output)
    {
        output.Write(System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
        stream.SetLength(0);
    }

    public static void WriteDate(this Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } date)
        {
            writer.WriteString(name, date.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static void WriteStringOrNull(this Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
