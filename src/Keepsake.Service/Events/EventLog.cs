using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;

namespace Keepsake.Service.Events;

/// <summary>
/// The service's event log: every backup, failure, alert and notification, appended to <c>service/events.jsonl</c>
/// (owner-only, one JSON object per line, flushed per entry) and kept in memory for the API. Progress events
/// are not written to the file (there are many); they reach only live subscribers (a job's event stream).
/// </summary>
public sealed class EventLog
{
    private const int Kept = 2000;
    private readonly string? _path;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly List<ServiceEvent> _events = [];
    private readonly List<Channel<ServiceEvent>> _subscribers = [];
    private long _nextId = 1;

    public EventLog(string? path, TimeProvider clock)
    {
        _path = path;
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        if (path is not null && File.Exists(path))
        {
            foreach (var line in File.ReadLines(path).TakeLast(Kept))
            {
                if (TryParse(line) is { } e)
                {
                    _events.Add(e);
                    _nextId = Math.Max(_nextId, e.Id + 1);
                }
            }
        }
    }

    /// <summary>Records an event (with the next id and the current time) and hands it to subscribers.</summary>
    public ServiceEvent Record(string kind, string message, Func<ServiceEvent, ServiceEvent>? details = null)
    {
        lock (_gate)
        {
            var e = new ServiceEvent(_nextId++, _clock.GetUtcNow(), kind, message);
            e = details?.Invoke(e) ?? e;
            if (kind != ServiceEventKinds.BackupProgress)
            {
                _events.Add(e);
                if (_events.Count > Kept)
                {
                    _events.RemoveRange(0, _events.Count - Kept);
                }

                Append(e);
            }

            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(e);
            }

            return e;
        }
    }

    /// <summary>Events after <paramref name="afterId"/>, oldest first, at most <paramref name="limit"/> (the newest ones).</summary>
    public IReadOnlyList<ServiceEvent> List(long afterId = 0, int limit = 500)
    {
        lock (_gate)
        {
            return [.. _events.Where(e => e.Id > afterId).TakeLast(limit)];
        }
    }

    /// <summary>Every event recorded from now on, until <paramref name="cancellationToken"/> ends the subscription.</summary>
    public async IAsyncEnumerable<ServiceEvent> SubscribeAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ServiceEvent>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_gate)
        {
            _subscribers.Add(channel);
        }

        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var e))
                {
                    yield return e;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        }
    }

    /// <summary>Writes one event as a JSON object (the log's line and the API's shape).</summary>
    public static void Write(Utf8JsonWriter w, ServiceEvent e)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(e);
        w.WriteStartObject();
        w.WriteNumber("id", e.Id);
        w.WriteString("time", e.Time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        w.WriteString("kind", e.Kind);
        w.WriteString("message", e.Message);
        Optional(w, "udid", e.Udid);
        Optional(w, "jobId", e.JobId);
        Optional(w, "reason", e.Reason);
        Optional(w, "stage", e.Stage);
        if (e.Percent is { } p)
        {
            w.WriteNumber("percent", Math.Round(p, 1));
        }

        if (e.Files is { } f)
        {
            w.WriteNumber("files", f);
        }

        if (e.Bytes is { } b)
        {
            w.WriteNumber("bytes", b);
        }

        if (e.LastAttempt is { } a)
        {
            w.WriteString("lastAttempt", a.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        }

        w.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private void Append(ServiceEvent e)
    {
        if (_path is null)
        {
            return;
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, e);
        }

        buffer.WriteByte((byte)'\n');
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(_path, options);
            stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (IOException)
        {
            // A full disk must not stop the service; the event stays in memory and in the API.
        }
    }

    private static ServiceEvent? TryParse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var r = document.RootElement;
            string? S(string n) => r.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return new ServiceEvent(r.GetProperty("id").GetInt64(), DateTimeOffset.Parse(S("time")!, CultureInfo.InvariantCulture), S("kind")!, S("message") ?? string.Empty)
            {
                Udid = S("udid"),
                JobId = S("jobId"),
                Reason = S("reason"),
                LastAttempt = S("lastAttempt") is { } a ? DateTimeOffset.Parse(a, CultureInfo.InvariantCulture) : null,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException or ArgumentNullException)
        {
            return null;
        }
    }
}
