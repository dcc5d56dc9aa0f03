using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.InstallationProxy;
using Keepsake.Device.Services.SpringBoard;
using Keepsake.Plist;

namespace Keepsake.Engine.DeviceBackup;

/// <summary>
/// The phone's user apps as Finder and idevicebackup2 record them in Info.plist: <c>Installed Applications</c>
/// (every bundle ID) and <c>Applications</c> (bundle ID → ApplicationSINF, iTunesMetadata and the icon as
/// PlaceholderIcon, for App Store apps, the ones a restore can reinstall). Read through installation_proxy and
/// springboardservices; a phone without them (or one that fails to answer) gives empty lists, and the backup goes on.
/// </summary>
internal static class InstalledApplications
{
    private static readonly string[] Attributes = ["CFBundleIdentifier", "ApplicationSINF", "iTunesMetadata"];

    public static async Task<(PlistDictionary Applications, PlistArray Installed)> ReadAsync(LockdownClient lockdown, CancellationToken cancellationToken)
    {
        var applications = new PlistDictionary();
        var installed = new PlistArray();
        IReadOnlyList<PlistDictionary> apps;
        try
        {
            var proxy = await InstallationProxyClient.StartAsync(lockdown, cancellationToken).ConfigureAwait(false);
            await using (proxy.ConfigureAwait(false))
            {
                apps = await proxy.BrowseAsync("User", Attributes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsTolerated(ex, cancellationToken))
        {
            return (applications, installed);
        }

        SpringBoardServicesClient? icons = null;
        try
        {
            icons = await SpringBoardServicesClient.StartAsync(lockdown, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTolerated(ex, cancellationToken))
        {
            icons = null;
        }

        try
        {
            foreach (var app in apps)
            {
                if (app.GetString("CFBundleIdentifier") is not { Length: > 0 } bundleId)
                {
                    continue;
                }

                installed.Add(bundleId);
                if (app.GetData("ApplicationSINF") is not { } sinf || app.GetData("iTunesMetadata") is not { } metadata)
                {
                    continue;
                }

                var entry = new PlistDictionary { ["ApplicationSINF"] = sinf };
                if (icons is not null && await TryIconAsync(icons, bundleId, cancellationToken).ConfigureAwait(false) is { } png)
                {
                    entry["PlaceholderIcon"] = png;
                }

                entry["iTunesMetadata"] = metadata;
                applications[bundleId] = entry;
            }
        }
        finally
        {
            if (icons is not null)
            {
                await icons.DisposeAsync().ConfigureAwait(false);
            }
        }

        return (applications, installed);
    }

    private static async Task<byte[]?> TryIconAsync(SpringBoardServicesClient icons, string bundleId, CancellationToken cancellationToken)
    {
        try
        {
            return await icons.GetIconPngDataAsync(bundleId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTolerated(ex, cancellationToken))
        {
            return null;
        }
    }

    /// <summary>A missing service or a failed answer is not worth failing the backup for (idevicebackup2 carries on too).</summary>
    private static bool IsTolerated(Exception exception, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && exception is IOException or TimeoutException; // LockdownException, InstallationProxyException, DeviceProtocolException among them
}
