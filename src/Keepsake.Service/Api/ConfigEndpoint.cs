using Keepsake.Service.Configuration;
using Microsoft.AspNetCore.Http;

namespace Keepsake.Service.Api;

/// <summary>
/// <c>GET /api/v1/config</c>: the configuration in force, every field shown (docs/schemas/service-config.schema.json).
/// <c>PUT /api/v1/config</c>: replaces it (validated first: 400 naming the field; then written to the file and in
/// force at once). The configuration holds no secret (a copy target's password is a file path).
/// </summary>
public static class ConfigEndpoint
{
    public static Task GetAsync(HttpContext context, ConfigStore config)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(config);
        return JsonResponse.WriteAsync(context, w => ServiceConfigFile.Write(w, config.Current));
    }

    public static async Task PutAsync(HttpContext context, ConfigStore config)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(config);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > 1_000_000)
        {
            await Problem.WriteAsync(context, 413, "Too large", "the configuration is larger than 1 MB.").ConfigureAwait(false);
            return;
        }

        ServiceConfig updated;
        try
        {
            updated = config.Replace(body.ToArray());
        }
        catch (ServeConfigurationException e)
        {
            await Problem.WriteAsync(context, 400, "Invalid configuration", e.Message, e.Field).ConfigureAwait(false);
            return;
        }

        await JsonResponse.WriteAsync(context, w => ServiceConfigFile.Write(w, updated)).ConfigureAwait(false);
    }
}
