using Keepsake.Engine.Vault;
using Microsoft.AspNetCore.Http;

namespace Keepsake.Service.Api;

/// <summary><c>GET /api/v1/snapshots[?udid=U]</c>: the vault's snapshots, oldest first (docs/schemas/api-snapshots.schema.json).</summary>
public static class SnapshotsEndpoint
{
    public static async Task HandleAsync(HttpContext context, VaultSession vault)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(vault);
        var udid = context.Request.Query["udid"].ToString();
        var repository = await vault.GetAsync(context.RequestAborted).ConfigureAwait(false);
        var snapshots = (await repository.ListSnapshotsAsync(context.RequestAborted).ConfigureAwait(false))
            .Where(s => udid.Length == 0 || string.Equals(AppleBackupTags.Get(s, "udid"), udid, StringComparison.OrdinalIgnoreCase))
            .OrderBy(s => s.Time)
            .ToList();
        await JsonResponse.WriteAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("vault", vault.Location);
            w.WriteStartArray("snapshots");
            foreach (var s in snapshots)
            {
                w.WriteStartObject();
                w.WriteString("id", s.Id.ToString());
                w.WriteString("shortId", s.ShortId);
                w.WriteTime("time", s.Time);
                w.WriteStringOrNull("host", s.Hostname);
                w.WriteStringOrNull("udid", AppleBackupTags.Get(s, "udid"));
                w.WriteStringOrNull("device", AppleBackupTags.Get(s, "device"));
                w.WriteStringOrNull("model", AppleBackupTags.Get(s, "model"));
                w.WriteStringOrNull("iosVersion", AppleBackupTags.Get(s, "ios"));
                w.WriteStringOrNull("encrypted", AppleBackupTags.Get(s, "encrypted"));
                w.WriteStartArray("tags");
                foreach (var t in s.Tags)
                {
                    w.WriteStringValue(AppleBackupTags.Display(t));
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }
}
