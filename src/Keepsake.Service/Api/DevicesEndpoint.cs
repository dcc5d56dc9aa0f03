using Keepsake.Service.Phones;
using Microsoft.AspNetCore.Http;

namespace Keepsake.Service.Api;

/// <summary>
/// <c>GET /api/v1/devices</c>: every phone the service knows (attached now, or backed up before) with its
/// status: connections, whether a backup runs, last attempt and its reason, last success, next due
/// (docs/schemas/api-devices.schema.json).
/// </summary>
public static class DevicesEndpoint
{
    public static Task HandleAsync(HttpContext context, PhoneStatusReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        var phones = report.Build();
        return JsonResponse.WriteAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("usbmuxdReachable", report.UsbmuxdReachable);
            w.WriteStartArray("devices");
            foreach (var p in phones)
            {
                w.WriteStartObject();
                w.WriteString("udid", p.Record.Udid);
                w.WriteStringOrNull("name", p.Record.DeviceName);
                w.WriteBoolean("connected", p.Connections.Count > 0);
                w.WriteStartArray("connections");
                foreach (var c in p.Connections)
                {
                    w.WriteStringValue(c);
                }

                w.WriteEndArray();
                w.WriteBoolean("backingUp", p.BackingUp);
                w.WriteTime("lastAttempt", p.Record.LastAttempt);
                if (p.Record.LastAttemptSucceeded is { } ok)
                {
                    w.WriteBoolean("lastAttemptSucceeded", ok);
                }
                else
                {
                    w.WriteNull("lastAttemptSucceeded");
                }

                w.WriteStringOrNull("lastReason", p.Record.LastReason is { } r ? ReasonNames.Of(r) : null);
                w.WriteStringOrNull("lastMessage", p.Record.LastMessage);
                w.WriteTime("lastSuccess", p.Record.LastSuccess);
                w.WriteStringOrNull("lastSnapshot", p.Record.LastSnapshot);
                w.WriteTime("nextDue", p.NextDue);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
