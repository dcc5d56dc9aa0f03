using System.Text.Json;
using Keepsake.Service.Jobs;
using Keepsake.Service.Phones;
using Microsoft.AspNetCore.Http;

namespace Keepsake.Service.Api;

/// <summary>
/// <c>POST /api/v1/backups</c> with <c>{"udid": "..."}</c> (optional when one phone is attached): starts a backup
/// now, whatever the schedule, and answers 202 with the job (docs/schemas/api-job.schema.json). 409 when the
/// phone is not attached or a backup of it already runs (the running job is named).
/// <c>GET /api/v1/jobs/{id}</c>: the job.
/// </summary>
public static class BackupsEndpoint
{
    public static async Task StartAsync(HttpContext context, BackupRunner runner, PhoneRegistry registry, JobRegistry jobs)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(jobs);
        string? udid = null;
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(body.ToArray());
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    await Problem.WriteAsync(context, 400, "Bad request", "the body must be a JSON object such as {\"udid\": \"...\"}.").ConfigureAwait(false);
                    return;
                }

                if (document.RootElement.TryGetProperty("udid", out var u))
                {
                    udid = u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                    if (string.IsNullOrEmpty(udid))
                    {
                        await Problem.WriteAsync(context, 400, "Bad request", "udid must be a non-empty string.", "udid").ConfigureAwait(false);
                        return;
                    }
                }
            }
            catch (JsonException e)
            {
                await Problem.WriteAsync(context, 400, "Bad request", $"the body is not valid JSON: {e.Message}").ConfigureAwait(false);
                return;
            }
        }

        var attached = registry.Attachments().Select(a => a.Udid).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (udid is null)
        {
            if (attached.Count != 1)
            {
                await Problem.WriteAsync(context, 409, "Which phone?", attached.Count == 0
                    ? "no phone is attached."
                    : $"{attached.Count} phones are attached: give one as {{\"udid\": \"...\"}} ({string.Join(", ", attached)}).", "udid").ConfigureAwait(false);
                return;
            }

            udid = attached[0];
        }
        else if (!attached.Contains(udid, StringComparer.OrdinalIgnoreCase))
        {
            await Problem.WriteAsync(context, 409, "Phone not attached", $"the phone {udid} is not attached (connect it with a cable or bring it onto the same Wi-Fi).", "udid").ConfigureAwait(false);
            return;
        }

        var job = runner.Start(udid, "requested");
        if (job is null)
        {
            var running = jobs.Running(udid);
            await Problem.WriteAsync(context, 409, "Backup already running", $"a backup of {udid} is already running{(running is null ? "" : $" (job {running.Id})")}.").ConfigureAwait(false);
            return;
        }

        context.Response.Headers.Location = $"/api/v1/jobs/{job.Id}";
        await JsonResponse.WriteAsync(context, w => Write(w, job), StatusCodes.Status202Accepted).ConfigureAwait(false);
    }

    public static async Task GetAsync(HttpContext context, JobRegistry jobs)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(jobs);
        var id = context.Request.RouteValues["id"]?.ToString() ?? string.Empty;
        if (jobs.Find(id) is not { } job)
        {
            await Problem.WriteAsync(context, 404, "No such job", $"there is no job '{id}' (jobs are kept while the service runs).").ConfigureAwait(false);
            return;
        }

        await JsonResponse.WriteAsync(context, w => Write(w, job)).ConfigureAwait(false);
    }

    public static void Write(Utf8JsonWriter w, BackupJobInfo job)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(job);
        w.WriteStartObject();
        w.WriteString("id", job.Id);
        w.WriteString("udid", job.Udid);
        w.WriteString("trigger", job.Trigger);
        w.WriteString("state", job.State.ToString().ToLowerInvariant());
        w.WriteTime("started", job.Started);
        w.WriteTime("finished", job.Finished);
        w.WriteStringOrNull("reason", job.Reason is { } r ? ReasonNames.Of(r) : null);
        w.WriteStringOrNull("message", job.Message);
        w.WriteStringOrNull("snapshot", job.Snapshot);
        w.WriteString("events", $"/api/v1/jobs/{job.Id}/events");
        w.WriteEndObject();
    }
}
