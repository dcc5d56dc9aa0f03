using Microsoft.AspNetCore.Http;

namespace Keepsake.Service.Api;

/// <summary>The API's one exception mapping: each failure becomes a problem document that says what and where (<see cref="ServiceErrors"/>).</summary>
public sealed class ApiErrorMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var (status, title, detail) = ServiceErrors.ForApi(e);
            await Problem.WriteAsync(context, status, title, detail).ConfigureAwait(false);
        }
    }
}
