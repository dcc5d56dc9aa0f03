using System.Globalization;
using System.Text.Json;
using Keepsake.Service.Runtime;

namespace Keepsake.Service.Phones;

/// <summary>
/// <c>service/state.json</c>: one <see cref="PhoneRecord"/> per phone, replaced atomically after every change
/// (a temporary file renamed over it), so a kill leaves the previous or the next state, never half of one.
/// </summary>
public sealed class PhoneStateStore
{
    private readonly string _path;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PhoneRecord> _records = new(StringComparer.OrdinalIgnoreCase);

    public PhoneStateStore(string path)
    {
        _path = path;
        if (File.Exists(path))
        {
            try
            {
                Load(File.ReadAllBytes(path));
            }
            catch (JsonException e)
            {
                throw new ServeConfigurationException(path, $"the service state file {path} is damaged ({e.Message}); move it away to start afresh (the vault is not affected).", e);
            }
        }
    }

    /// <summary>Every known phone.</summary>
    public IReadOnlyList<PhoneRecord> All()
    {
        lock (_gate)
        {
            return [.. _records.Values.OrderBy(r => r.Udid, StringComparer.Ordinal)];
        }
    }

    public PhoneRecord Get(string udid)
    {
        lock (_gate)
        {
            return _records.TryGetValue(udid, out var record) ? record : new PhoneRecord { Udid = udid };
        }
    }

    /// <summary>Applies <paramref name="change"/> to the phone's record and saves the file.</summary>
    public PhoneRecord Update(string udid, Func<PhoneRecord, PhoneRecord> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            var updated = change(_records.TryGetValue(udid, out var record) ? record : new PhoneRecord { Udid = udid });
            _records[udid] = updated;
            Save();
            return updated;
        }
    }

    private void Load(byte[] bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        foreach (var phone in document.RootElement.GetProperty("phones").EnumerateArray())
        {
            var udid = phone.GetProperty("udid").GetString() ?? throw new JsonException("a phone has no udid");
            _records[udid] = new PhoneRecord
            {
                Udid = udid,
                DeviceName = String(phone, "deviceName"),
                LastAttempt = Date(phone, "lastAttempt"),
                LastAttemptSucceeded = phone.TryGetProperty("lastAttemptSucceeded", out var ok) && ok.ValueKind is JsonValueKind.True or JsonValueKind.False ? ok.GetBoolean() : null,
                LastReason = String(phone, "lastReason") is { } reason && Enum.TryParse<BackupFailureReason>(reason, out var r) ? r : null,
                LastMessage = String(phone, "lastMessage"),
                LastSuccess = Date(phone, "lastSuccess"),
                LastSnapshot = String(phone, "lastSnapshot"),
                RetryAfter = Date(phone, "retryAfter"),
            };
        }
    }

    private void Save()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("phones");
            foreach (var r in _records.Values.OrderBy(r => r.Udid, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("udid", r.Udid);
                WriteOptional(w, "deviceName", r.DeviceName);
                WriteOptional(w, "lastAttempt", r.LastAttempt);
                if (r.LastAttemptSucceeded is { } ok)
                {
                    w.WriteBoolean("lastAttemptSucceeded", ok);
                }

                WriteOptional(w, "lastReason", r.LastReason?.ToString());
                WriteOptional(w, "lastMessage", r.LastMessage);
                WriteOptional(w, "lastSuccess", r.LastSuccess);
                WriteOptional(w, "lastSnapshot", r.LastSnapshot);
                WriteOptional(w, "retryAfter", r.RetryAfter);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        OwnerOnlyFile.WriteAllBytes(_path, buffer.ToArray());
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, v.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        }
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTimeOffset? Date(JsonElement e, string name) =>
        String(e, name) is { } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : null;
}
