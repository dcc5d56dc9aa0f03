using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Keepsake.Service.Configuration;
using Keepsake.Service.Events;

namespace Keepsake.Service.Alerts;

/// <summary>
/// Raises alerts and pings: each alert is recorded in the event log first, then sent to the webhook (ntfy-style:
/// <c>POST</c> with <c>Title</c>, <c>Priority</c> and <c>Tags</c> headers and a JSON body with <c>text</c> and
/// <c>content</c>, which Slack and Discord accept) and to the desktop. Backups ping the healthchecks-style URL
/// at <c>/start</c>, on success (the URL itself) and at <c>/fail</c>. A channel that fails is recorded as
/// <c>notification-failed</c>; it never stops the service.
/// </summary>
public sealed class AlertService(ConfigStore config, EventLog events, DesktopNotifier desktop) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>Records <paramref name="alert"/> and sends it on every configured channel.</summary>
    public async Task RaiseAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        events.Record(ServiceEventKinds.Alert, alert.Message, e => e with { Udid = alert.Udid, Reason = alert.Kind, LastAttempt = alert.LastAttempt });
        var current = config.Current;
        if (current.WebhookUrl is { } url)
        {
            await SendAsync("webhook", () => PostWebhookAsync(url, current.WebhookPriority, alert, cancellationToken), alert).ConfigureAwait(false);
        }

        if (current.DesktopNotifications)
        {
            await SendAsync("desktop", () => desktop.ShowAsync(alert.Title, alert.Message, cancellationToken), alert).ConfigureAwait(false);
        }
    }

    /// <summary>Pings the healthchecks URL: <c>start</c>, <c>success</c> or <c>fail</c> (with the message as body).</summary>
    public async Task PingAsync(string what, string message, CancellationToken cancellationToken)
    {
        if (config.Current.HealthchecksUrl is not { } url)
        {
            return;
        }

        var target = what == "success" ? url : new Uri(url.ToString().TrimEnd('/') + "/" + what);
        await SendAsync("healthchecks", async () =>
        {
            using var content = new StringContent(message, Encoding.UTF8, "text/plain");
            using var response = await _http.PostAsync(target, content, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            return true;
        }, null).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    private async Task<bool> PostWebhookAsync(Uri url, string priority, Alert alert, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("text", $"{alert.Title}: {alert.Message}");
            w.WriteString("content", $"{alert.Title}: {alert.Message}");
            w.WriteString("title", alert.Title);
            w.WriteString("message", alert.Message);
            w.WriteString("kind", alert.Kind);
            if (alert.Udid is not null)
            {
                w.WriteString("udid", alert.Udid);
            }

            if (alert.LastAttempt is { } last)
            {
                w.WriteString("lastAttempt", last.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            }

            if (alert.Reason is not null)
            {
                w.WriteString("reason", alert.Reason);
            }

            w.WriteEndObject();
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(buffer.ToArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        // HTTP headers are ASCII: non-ASCII characters of a phone's name are replaced.
        request.Headers.TryAddWithoutValidation("Title", new string([.. alert.Title.Select(c => c < 128 && !char.IsControl(c) ? c : '?')]));
        request.Headers.TryAddWithoutValidation("Priority", priority);
        request.Headers.TryAddWithoutValidation("Tags", "keepsake," + alert.Kind);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return true;
    }

    private async Task SendAsync(string channel, Func<Task<bool>> send, Alert? alert)
    {
        try
        {
            if (await send().ConfigureAwait(false) && alert is not null)
            {
                events.Record(ServiceEventKinds.Notification, $"{channel}: {alert.Title}", e => e with { Udid = alert.Udid, Reason = alert.Kind });
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or InvalidOperationException)
        {
            events.Record(ServiceEventKinds.NotificationFailed, $"{channel} notification could not be sent: {e.Message}", x => x with { Udid = alert?.Udid, Reason = alert?.Kind });
        }
    }
}
