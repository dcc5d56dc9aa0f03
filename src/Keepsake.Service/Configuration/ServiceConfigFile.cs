using System.Globalization;
using System.Text.Json;
using Keepsake.Repository;
using Keepsake.Service.Runtime;

namespace Keepsake.Service.Configuration;

/// <summary>
/// Reads, validates and writes <c>config.json</c>. Every error is a <see cref="ServeConfigurationException"/>
/// naming the file and the field (<c>phones.UDID.everyHours</c>) and saying what is expected; unknown fields
/// are errors too, so a typo is never silently ignored. The format is in docs/design/service.md.
/// </summary>
public static class ServiceConfigFile
{
    /// <summary>The default path: <c>keepsake/config.json</c> under XDG_CONFIG_HOME (~/.config), ~/Library/Application Support or %APPDATA%.</summary>
    public static string DefaultPath()
    {
        string root;
        if (OperatingSystem.IsMacOS())
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "Library", "Application Support");
        }
        else if (OperatingSystem.IsWindows())
        {
            root = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
        }
        else
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config") : xdg;
        }

        return Path.Combine(root, "keepsake", "config.json");
    }

    /// <summary>The configuration in <paramref name="path"/>, or the defaults when there is no such file.</summary>
    public static ServiceConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            return ServiceConfig.Default;
        }

        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses and validates <paramref name="json"/>; <paramref name="source"/> names it in errors.</summary>
    public static ServiceConfig Parse(ReadOnlySpan<byte> json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}" : string.Empty;
            throw new ServeConfigurationException("(file)", $"{source}: not valid JSON{where}: {FirstSentence(e.Message)}", e);
        }

        using (document)
        {
            var reader = new Reader(source);
            return reader.Root(document.RootElement);
        }
    }

    /// <summary>Writes <paramref name="config"/> as the file's JSON (every field, defaults included).</summary>
    public static void Write(Utf8JsonWriter w, ServiceConfig config)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(config);
        w.WriteStartObject();
        w.WritePropertyName("defaults");
        WriteSchedule(w, config.Defaults);
        w.WriteStartObject("phones");
        foreach (var (udid, schedule) in config.Phones.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WritePropertyName(udid);
            WriteSchedule(w, schedule);
        }

        w.WriteEndObject();
        w.WriteNumber("lockedRetryMinutes", config.LockedRetry.TotalMinutes);
        w.WriteNumber("failureRetryMinutes", config.FailureRetry.TotalMinutes);
        WriteDays(w, "pruneEveryDays", config.PruneEvery);
        WriteDays(w, "checkEveryDays", config.CheckEvery);
        w.WriteString("checkReadDataSubset", (config.CheckReadDataFraction * 100).ToString("0.###", CultureInfo.InvariantCulture) + "%");
        if (config.CopyTo is null)
        {
            w.WriteNull("copy");
        }
        else
        {
            w.WriteStartObject("copy");
            w.WriteString("to", config.CopyTo);
            if (config.CopyPasswordFile is not null)
            {
                w.WriteString("passwordFile", config.CopyPasswordFile);
            }

            w.WriteEndObject();
        }

        w.WriteStartObject("alerts");
        WriteDays(w, "staleAfterDays", config.StaleAfter);
        if (config.WebhookUrl is null)
        {
            w.WriteNull("webhook");
        }
        else
        {
            w.WriteStartObject("webhook");
            w.WriteString("url", config.WebhookUrl.ToString());
            w.WriteString("priority", config.WebhookPriority);
            w.WriteEndObject();
        }

        if (config.HealthchecksUrl is null)
        {
            w.WriteNull("healthchecks");
        }
        else
        {
            w.WriteString("healthchecks", config.HealthchecksUrl.ToString());
        }

        w.WriteBoolean("desktop", config.DesktopNotifications);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Validates <paramref name="json"/> and writes it to <paramref name="path"/> atomically (owner-only); returns what it holds.</summary>
    public static ServiceConfig Save(string path, ReadOnlySpan<byte> json)
    {
        var config = Parse(json, path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            Write(w, config);
        }

        OwnerOnlyFile.WriteAllBytes(path, buffer.ToArray());
        return config;
    }

    private static void WriteSchedule(Utf8JsonWriter w, PhoneSchedule s)
    {
        w.WriteStartObject();
        w.WriteBoolean("enabled", s.Enabled);
        w.WriteNumber("everyHours", s.Interval.TotalHours);
        if (s.Window is { } window)
        {
            w.WriteStartObject("window");
            w.WriteString("from", window.From.ToString("HH:mm", CultureInfo.InvariantCulture));
            w.WriteString("to", window.To.ToString("HH:mm", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("window");
        }

        w.WriteStartArray("connections");
        if (s.Usb)
        {
            w.WriteStringValue("usb");
        }

        if (s.Network)
        {
            w.WriteStringValue("wifi");
        }

        w.WriteEndArray();
        w.WriteStartObject("retention");
        foreach (var (name, value) in new[] { ("last", s.Retention.Last), ("hourly", s.Retention.Hourly), ("daily", s.Retention.Daily), ("weekly", s.Retention.Weekly), ("monthly", s.Retention.Monthly), ("yearly", s.Retention.Yearly) })
        {
            w.WriteNumber(name, value == int.MaxValue ? -1 : value);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteDays(Utf8JsonWriter w, string name, TimeSpan? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v.TotalDays);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }

    private sealed class Reader(string source)
    {
        public ServiceConfig Root(JsonElement root)
        {
            Expect(root, JsonValueKind.Object, "(top level)", "an object");
            Known(root, "(top level)", "$schema", "defaults", "phones", "lockedRetryMinutes", "failureRetryMinutes", "pruneEveryDays", "checkEveryDays", "checkReadDataSubset", "copy", "alerts");
            var defaults = root.TryGetProperty("defaults", out var d) ? Schedule(d, "defaults", PhoneSchedule.Default) : PhoneSchedule.Default;
            var phones = new Dictionary<string, PhoneSchedule>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("phones", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                Expect(p, JsonValueKind.Object, "phones", "an object of UDID: schedule");
                foreach (var phone in p.EnumerateObject())
                {
                    if (phone.Name.Length == 0 || !phone.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                    {
                        throw Error($"phones.{phone.Name}", "is not a UDID (letters, digits and '-')");
                    }

                    phones[phone.Name] = Schedule(phone.Value, $"phones.{phone.Name}", defaults);
                }
            }

            var config = new ServiceConfig
            {
                Defaults = defaults,
                Phones = phones,
                LockedRetry = Minutes(root, "lockedRetryMinutes", ServiceConfig.Default.LockedRetry, min: 1),
                FailureRetry = Minutes(root, "failureRetryMinutes", ServiceConfig.Default.FailureRetry, min: 1),
                PruneEvery = Days(root, "pruneEveryDays", "pruneEveryDays", ServiceConfig.Default.PruneEvery),
                CheckEvery = Days(root, "checkEveryDays", "checkEveryDays", ServiceConfig.Default.CheckEvery),
                CheckReadDataFraction = Fraction(root, "checkReadDataSubset", ServiceConfig.Default.CheckReadDataFraction),
            };
            if (root.TryGetProperty("copy", out var copy) && copy.ValueKind != JsonValueKind.Null)
            {
                Expect(copy, JsonValueKind.Object, "copy", "an object {\"to\": VAULT, \"passwordFile\": FILE}");
                Known(copy, "copy", "to", "passwordFile");
                config = config with
                {
                    CopyTo = String(copy, "to", "copy.to") ?? throw Error("copy.to", "is missing: give the second vault's address (a folder or s3:...)"),
                    CopyPasswordFile = String(copy, "passwordFile", "copy.passwordFile"),
                };
            }

            if (root.TryGetProperty("alerts", out var alerts) && alerts.ValueKind != JsonValueKind.Null)
            {
                Expect(alerts, JsonValueKind.Object, "alerts", "an object");
                Known(alerts, "alerts", "staleAfterDays", "webhook", "healthchecks", "desktop");
                config = config with
                {
                    StaleAfter = Days(alerts, "staleAfterDays", "alerts.staleAfterDays", ServiceConfig.Default.StaleAfter),
                    DesktopNotifications = Bool(alerts, "desktop", "alerts.desktop") ?? true,
                    HealthchecksUrl = Url(alerts, "healthchecks", "alerts.healthchecks"),
                };
                if (alerts.TryGetProperty("webhook", out var hook) && hook.ValueKind != JsonValueKind.Null)
                {
                    if (hook.ValueKind == JsonValueKind.String)
                    {
                        config = config with { WebhookUrl = Url(alerts, "webhook", "alerts.webhook") };
                    }
                    else
                    {
                        Expect(hook, JsonValueKind.Object, "alerts.webhook", "a URL or {\"url\": URL, \"priority\": P}");
                        Known(hook, "alerts.webhook", "url", "priority");
                        config = config with
                        {
                            WebhookUrl = Url(hook, "url", "alerts.webhook.url") ?? throw Error("alerts.webhook.url", "is missing"),
                            WebhookPriority = String(hook, "priority", "alerts.webhook.priority") ?? "high",
                        };
                    }
                }
            }

            return config;
        }

        private PhoneSchedule Schedule(JsonElement e, string field, PhoneSchedule inherited)
        {
            Expect(e, JsonValueKind.Object, field, "an object");
            Known(e, field, "enabled", "everyHours", "window", "connections", "retention", "name");
            var schedule = inherited with
            {
                Enabled = Bool(e, "enabled", field + ".enabled") ?? inherited.Enabled,
                Interval = e.TryGetProperty("everyHours", out var h) ? Hours(h, field + ".everyHours") : inherited.Interval,
            };
            if (e.TryGetProperty("window", out var window))
            {
                schedule = schedule with { Window = window.ValueKind == JsonValueKind.Null ? null : Window(window, field + ".window") };
            }

            if (e.TryGetProperty("connections", out var connections))
            {
                Expect(connections, JsonValueKind.Array, field + ".connections", "a list of \"usb\" and/or \"wifi\"");
                var names = connections.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.String ? c.GetString()! : throw Error(field + ".connections", "holds a value that is not \"usb\" or \"wifi\"")).ToList();
                foreach (var name in names.Where(n => n is not ("usb" or "wifi")))
                {
                    throw Error(field + ".connections", $"'{name}' is not a connection: use \"usb\" and/or \"wifi\"");
                }

                if (names.Count == 0)
                {
                    throw Error(field + ".connections", "is empty: list \"usb\", \"wifi\" or both (or set \"enabled\": false)");
                }

                schedule = schedule with { Usb = names.Contains("usb"), Network = names.Contains("wifi") };
            }

            if (e.TryGetProperty("retention", out var retention))
            {
                Expect(retention, JsonValueKind.Object, field + ".retention", "an object of counts (last, hourly, daily, weekly, monthly, yearly)");
                Known(retention, field + ".retention", "last", "hourly", "daily", "weekly", "monthly", "yearly");
                var r = schedule.Retention;
                schedule = schedule with
                {
                    Retention = new RetentionPolicy
                    {
                        Last = Count(retention, "last", field, r.Last),
                        Hourly = Count(retention, "hourly", field, r.Hourly),
                        Daily = Count(retention, "daily", field, r.Daily),
                        Weekly = Count(retention, "weekly", field, r.Weekly),
                        Monthly = Count(retention, "monthly", field, r.Monthly),
                        Yearly = Count(retention, "yearly", field, r.Yearly),
                    },
                };
                if (schedule.Retention.IsEmpty)
                {
                    throw Error(field + ".retention", "keeps nothing: every count is 0, which would forget every snapshot of the phone");
                }
            }

            return schedule;
        }

        private int Count(JsonElement e, string name, string field, int inherited)
        {
            if (!e.TryGetProperty(name, out var v))
            {
                return inherited;
            }

            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n < -1)
            {
                throw Error($"{field}.retention.{name}", "must be a whole number ≥ 0, or -1 for unlimited");
            }

            return n == -1 ? int.MaxValue : n;
        }

        private TimeSpan Hours(JsonElement v, string field)
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var hours) || hours < 1 || hours > 24 * 366)
            {
                throw Error(field, "must be a number of hours from 1 to 8784");
            }

            return TimeSpan.FromHours(hours);
        }

        private TimeWindow Window(JsonElement e, string field)
        {
            Expect(e, JsonValueKind.Object, field, "{\"from\": \"HH:MM\", \"to\": \"HH:MM\"} or null");
            Known(e, field, "from", "to");
            var from = Time(e, "from", field);
            var to = Time(e, "to", field);
            if (from == to)
            {
                throw Error(field, "from and to are the same time: the window would be empty (use null for any time)");
            }

            return new TimeWindow(from, to);
        }

        private TimeOnly Time(JsonElement e, string name, string field)
        {
            var text = String(e, name, $"{field}.{name}") ?? throw Error($"{field}.{name}", "is missing (HH:MM, local time)");
            return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
                ? time
                : throw Error($"{field}.{name}", $"'{text}' is not a time: use HH:MM, 24-hour local time (e.g. 22:30)");
        }

        private TimeSpan Minutes(JsonElement e, string name, TimeSpan fallback, double min)
        {
            if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return fallback;
            }

            return v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var m) && m >= min && m <= 60 * 24 * 30
                ? TimeSpan.FromMinutes(m)
                : throw Error(name, $"must be a number of minutes from {min} to 43200");
        }

        private TimeSpan? Days(JsonElement e, string name, string field, TimeSpan? fallback)
        {
            if (!e.TryGetProperty(name, out var v))
            {
                return fallback;
            }

            if (v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var days) && days > 0 && days <= 3660
                ? TimeSpan.FromDays(days)
                : throw Error(field, "must be a number of days above 0 (up to 3660), or null for never");
        }

        private double Fraction(JsonElement e, string name, double fallback)
        {
            if (!e.TryGetProperty(name, out var v))
            {
                return fallback;
            }

            var text = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
            var percent = text.EndsWith('%');
            if (double.TryParse(percent ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                var fraction = percent ? value / 100 : value;
                if (fraction > 0 && fraction <= 1)
                {
                    return fraction;
                }
            }

            throw Error(name, $"'{text}' is not a share of the data: use a percentage such as \"5%\" (above 0, at most 100%)");
        }

        private Uri? Url(JsonElement e, string name, string field)
        {
            var text = String(e, name, field);
            if (text is null)
            {
                return null;
            }

            return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                ? uri
                : throw Error(field, $"'{text}' is not an http(s) URL");
        }

        private bool? Bool(JsonElement e, string name, string field)
        {
            if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Error(field, "must be true or false");
        }

        private string? String(JsonElement e, string name, string field)
        {
            if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : throw Error(field, "must be a non-empty string");
        }

        private void Expect(JsonElement e, JsonValueKind kind, string field, string what)
        {
            if (e.ValueKind != kind)
            {
                throw Error(field, $"must be {what}, not {e.ValueKind.ToString().ToLowerInvariant()}");
            }
        }

        private void Known(JsonElement e, string field, params string[] names)
        {
            foreach (var property in e.EnumerateObject())
            {
                if (!names.Contains(property.Name, StringComparer.Ordinal))
                {
                    var prefix = field == "(top level)" ? string.Empty : field + ".";
                    throw Error(prefix + property.Name, $"is not a known field (known here: {string.Join(", ", names.Where(n => n != "$schema"))})");
                }
            }
        }

        private ServeConfigurationException Error(string field, string message) => new(field, $"{source}: {field} {message}.");
    }
}
