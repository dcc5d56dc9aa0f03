using System.Globalization;
using System.Text.Json;
using Keepsake.Service.Runtime;

namespace Keepsake.Service.Maintenance;

/// <summary>When prune, copy and check last ran and how (<c>service/maintenance.json</c>, replaced atomically).</summary>
public sealed class MaintenanceState
{
    private readonly string _path;
    private readonly Lock _gate = new();

    public MaintenanceState(string path)
    {
        _path = path;
        if (File.Exists(path))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(path));
                var r = document.RootElement;
                LastPrune = Date(r, "lastPrune");
                LastCheck = Date(r, "lastCheck");
                LastCopyAttempt = Date(r, "lastCopyAttempt");
                LastCopySuccess = Date(r, "lastCopySuccess");
                LastCopyError = r.TryGetProperty("lastCopyError", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            }
            catch (JsonException)
            {
                // Only timings: a damaged file means prune, copy and check run at the next chance.
            }
        }
    }

    public DateTimeOffset? LastPrune { get; private set; }

    public DateTimeOffset? LastCheck { get; private set; }

    public DateTimeOffset? LastCopyAttempt { get; private set; }

    public DateTimeOffset? LastCopySuccess { get; private set; }

    public string? LastCopyError { get; private set; }

    public void Pruned(DateTimeOffset time) => Change(() => LastPrune = time);

    public void Checked(DateTimeOffset time) => Change(() => LastCheck = time);

    public void Copied(DateTimeOffset time, string? error) => Change(() =>
    {
        LastCopyAttempt = time;
        LastCopyError = error;
        if (error is null)
        {
            LastCopySuccess = time;
        }
    });

    private void Change(Action change)
    {
        lock (_gate)
        {
            change();
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                foreach (var (name, value) in new[] { ("lastPrune", LastPrune), ("lastCheck", LastCheck), ("lastCopyAttempt", LastCopyAttempt), ("lastCopySuccess", LastCopySuccess) })
                {
                    if (value is { } v)
                    {
                        w.WriteString(name, v.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
                    }
                }

                if (LastCopyError is not null)
                {
                    w.WriteString("lastCopyError", LastCopyError);
                }

                w.WriteEndObject();
            }

            OwnerOnlyFile.WriteAllBytes(_path, buffer.ToArray());
        }
    }

    private static DateTimeOffset? Date(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? DateTimeOffset.Parse(v.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : null;
}
