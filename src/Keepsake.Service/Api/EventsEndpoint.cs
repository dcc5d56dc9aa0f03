using System.Globalization;
using System.Text;
using System.Text.Json;
using Keepsake.Service.Events;
using Keepsake.Service.Jobs;
using Microsoft.AspNetCore.Http;

namespace Keepsake.Service.Api;

/// <summary>
/// <c>GET /api/v1/events[?after=ID&amp;limit=N]</c>: the event log (docs/schemas/api-events.schema.json).
/// <c>GET /api/v1/jobs/{id}/events</c>: a job's events as server-sent events (<c>text/event-stream</c>), first those
/// already recorded, then live progress until the job ends; each <c>data:</c> line is one event object, the
/// <c>event:</c> line its kind, the <c>id:</c> line its id.
/// </summary>
public static class EventsEndpoint
{
    public static async Task ListAsync(HttpContext context, EventLog events)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        if (!TryNumber(context, "after", 0, out var after) || !TryNumber(context, "limit", 500, out var limit) || limit is < 1 or > 2000)
        {
            await Problem.WriteAsync(context, 400, "Bad request", "after must be an event id (a whole number ≥ 0) and limit a whole number from 1 to 2000.").ConfigureAwait(false);
            return;
        }

        var list = events.List(after, (int)limit);
        await JsonResponse.WriteAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("events");
            foreach (var e in list)
            {
                EventLog.Write(w, e);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    public static async Task StreamJobAsync(HttpContext context, EventLog events, JobRegistry jobs)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(jobs);
        var id = context.Request.RouteValues["id"]?.ToString() ?? string.Empty;
        if (jobs.Find(id) is null)
        {
            await Problem.WriteAsync(context, 404, "No such job", $"there is no job '{id}'.").ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var cancellation = context.RequestAborted;
        using var live = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        // Subscribe before replaying, so nothing falls between the two; ids remove the overlap.
        var subscription = events.SubscribeAsync(live.Token).GetAsyncEnumerator(live.Token);
        await using (subscription.ConfigureAwait(false))
        {
            var moveNext = subscription.MoveNextAsync();
            long lastId = 0;
            foreach (var e in events.List(0, 2000).Where(e => e.JobId == id))
            {
                await WriteAsync(context, e).ConfigureAwait(false);
                lastId = e.Id;
            }

            while (!IsFinished(jobs.Find(id)))
            {
                try
                {
                    if (!await moveNext.ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var e = subscription.Current;
                moveNext = subscription.MoveNextAsync();
                if (e.JobId == id && e.Id > lastId)
                {
                    await WriteAsync(context, e).ConfigureAwait(false);
                    lastId = e.Id;
                    if (e.Kind is ServiceEventKinds.BackupSucceeded or ServiceEventKinds.BackupFailed)
                    {
                        break;
                    }
                }
            }

            await live.CancelAsync().ConfigureAwait(false);
            try
            {
                await moveNext.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static bool IsFinished(BackupJobInfo? job) => job is null || job.State != BackupJobState.Running;

    private static async Task WriteAsync(HttpContext context, ServiceEvent e)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            EventLog.Write(w, e);
        }

        var text = $"id: {e.Id.ToString(CultureInfo.InvariantCulture)}\nevent: {e.Kind}\ndata: {Encoding.UTF8.GetString(buffer.ToArray())}\n\n";
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static bool TryNumber(HttpContext context, string name, long fallback, out long value)
    {
        var text = context.Request.Query[name].ToString();
        if (text.Length == 0)
        {
            value = fallback;
            return true;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
