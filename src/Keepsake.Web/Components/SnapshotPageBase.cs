using Keepsake.Engine.Vault;
using Keepsake.Repository.Snapshots;
using Keepsake.Web.Data;
using Keepsake.Web.Endpoints;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;

namespace Keepsake.Web.Components;

/// <summary>
/// A page about one snapshot: finds it, opens it for this session (or asks for the backup password when
/// it is encrypted), then lets the page load its data; any failure becomes a message and a status code.
/// </summary>
public abstract class SnapshotPageBase : ComponentBase
{
    [Parameter] public string Id { get; set; } = string.Empty;

    [CascadingParameter] public HttpContext? HttpContext { get; set; }

    [Inject] public VaultCatalog Vault { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "unlock")] public string? UnlockState { get; set; }

    protected Snapshot? Snapshot { get; private set; }

    protected SnapshotView? View { get; private set; }

    protected bool NeedsPassword { get; private set; }

    protected string? ProblemMessage { get; private set; }

    /// <summary>The phone's name and the snapshot's date, for titles.</summary>
    protected string Title(string what) =>
        Snapshot is null ? what : $"{what} · {AppleBackupTags.Get(Snapshot, "device") ?? "iPhone"} · {Snapshot.Time.UtcDateTime:yyyy-MM-dd HH:mm} UTC";

    /// <summary>This page's own address, to come back to after the password form.</summary>
    protected string Here => HttpContext is null ? "/" : HttpContext.Request.Path + RemoveUnlock(HttpContext.Request.QueryString.Value);

    protected override async Task OnInitializedAsync()
    {
        var context = HttpContext ?? throw new InvalidOperationException("The web app renders on the server only.");
        try
        {
            Snapshot = await Vault.FindAsync(Id, context.RequestAborted);
            View = Vault.Open(Snapshot, WebEndpoints.SessionOf(context));
            await LoadAsync(View, context.RequestAborted);
        }
        catch (PasswordNeededException)
        {
            NeedsPassword = true;
        }
        catch (Exception e) when (WebErrors.Map(e) is { } mapped)
        {
            ProblemMessage = mapped.Message;
            context.Response.StatusCode = mapped.Status;
        }
    }

    /// <summary>Loads what the page shows from the opened snapshot.</summary>
    protected abstract Task LoadAsync(SnapshotView view, CancellationToken cancellationToken);

    private static string RemoveUnlock(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return string.Empty;
        }

        var kept = query.TrimStart('?').Split('&').Where(p => !p.StartsWith("unlock=", StringComparison.Ordinal)).ToList();
        return kept.Count == 0 ? string.Empty : "?" + string.Join('&', kept);
    }
}
