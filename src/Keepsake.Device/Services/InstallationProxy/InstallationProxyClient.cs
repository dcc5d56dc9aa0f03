using Keepsake.Device.Lockdown;
using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Device.Services.InstallationProxy;

/// <summary>
/// Host side of com.apple.mobile.installation_proxy, as far as a backup needs it: Browse the installed apps.
/// XML plists both ways. The request is <c>{Command: "Browse", ClientOptions: {ApplicationType, ReturnAttributes}}</c>;
/// the device answers with <c>{Status: "BrowsingApplications", CurrentList: [app…], …}</c> messages and ends with
/// <c>{Status: "Complete"}</c>; <c>{Error, ErrorDescription}</c> ends it with an error.
/// </summary>
public sealed class InstallationProxyClient : IAsyncDisposable
{
    public const string ServiceName = "com.apple.mobile.installation_proxy";

    /// <summary>Apps a browse returns at most (a phone holds a few hundred); more is refused as a protocol error.</summary>
    public const int MaxApplications = 100_000;

    private readonly ServiceConnection _connection;

    /// <summary>Wraps a connected installation_proxy connection (owned).</summary>
    public InstallationProxyClient(ServiceConnection connection) => _connection = connection ?? throw new ArgumentNullException(nameof(connection));

    public static async Task<InstallationProxyClient> StartAsync(LockdownClient lockdown, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lockdown);
        return new InstallationProxyClient(await lockdown.OpenServiceAsync(ServiceName, cancellationToken: cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The installed apps of <paramref name="applicationType"/> ("User", "System" or "Any"), each a dictionary of the
    /// <paramref name="returnAttributes"/> (all attributes when empty).
    /// </summary>
    public async Task<IReadOnlyList<PlistDictionary>> BrowseAsync(string applicationType, IReadOnlyList<string> returnAttributes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(applicationType);
        ArgumentNullException.ThrowIfNull(returnAttributes);
        var options = new PlistDictionary { ["ApplicationType"] = applicationType };
        if (returnAttributes.Count > 0)
        {
            options["ReturnAttributes"] = new PlistArray(returnAttributes.Select(a => (PlistNode)a));
        }

        await _connection.SendPlistAsync(new PlistDictionary { ["Command"] = "Browse", ["ClientOptions"] = options }, ServicePlistFormat.Xml, cancellationToken).ConfigureAwait(false);
        var apps = new List<PlistDictionary>();
        while (true)
        {
            if (await _connection.ReceivePlistAsync(cancellationToken).ConfigureAwait(false) is not PlistDictionary reply)
            {
                throw new DeviceProtocolException("installation_proxy sent a reply that is not a dictionary.");
            }

            if (reply.GetString("Error") is { } error)
            {
                throw new InstallationProxyException(error, reply.GetString("ErrorDescription"));
            }

            if (reply.GetArray("CurrentList") is { } list)
            {
                foreach (var app in list.OfType<PlistDictionary>())
                {
                    apps.Add(app);
                }

                if (apps.Count > MaxApplications)
                {
                    throw new DeviceProtocolException($"installation_proxy listed more than {MaxApplications} apps.");
                }
            }

            if (reply.GetString("Status") == "Complete")
            {
                return apps;
            }
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
