using System.Security.Cryptography;
using System.Text;
using Keepsake.Device.Simulator.Phone;
using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Device.Simulator.Services;

/// <summary>
/// com.apple.mobile.installation_proxy: Browse lists the phone's apps (one per <c>AppDomain-</c> folder) with the
/// attributes asked for, in batches (<c>Status: BrowsingApplications</c>, <c>CurrentList</c>) and then
/// <c>Status: Complete</c>. The App Store blobs are stand-ins: <c>ApplicationSINF</c> is a digest of the bundle ID
/// and <c>iTunesMetadata</c> a small binary plist naming the app. An app's name is the <c>CFBundleDisplayName</c>
/// its preferences hold (the generated phone writes the plan's name there), else the bundle ID's last part.
/// Other commands answer <c>UnknownCommand</c>.
/// </summary>
internal sealed class InstallationProxyService(PhoneContents phone) : IDeviceService
{
    private const int BatchSize = 20;

    public async Task ServeAsync(Stream stream, CancellationToken cancellationToken)
    {
        var connection = new ServiceConnection(stream) { ReceiveTimeout = Timeout.InfiniteTimeSpan };
        await using var connectionScope = connection.ConfigureAwait(false);
        while (await connection.ReceivePlistOrEndAsync(cancellationToken).ConfigureAwait(false) is PlistNode node)
        {
            var request = node as PlistDictionary;
            if (request?.GetString("Command") != "Browse")
            {
                await connection.SendPlistAsync(new PlistDictionary { ["Error"] = "UnknownCommand", ["ErrorDescription"] = "The simulated iPhone only browses apps." }, ServicePlistFormat.Xml, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var options = request.GetDictionary("ClientOptions");
            var type = options?.GetString("ApplicationType") ?? "Any";
            var wanted = options?.GetArray("ReturnAttributes")?.OfType<PlistString>().Select(s => s.Value).ToHashSet(StringComparer.Ordinal);
            var apps = type is "User" or "Any" ? phone.InstalledApps().Select(id => Describe(id, DisplayName(id), wanted)).ToList() : [];
            for (var index = 0; index < apps.Count; index += BatchSize)
            {
                var batch = apps.Skip(index).Take(BatchSize).ToList();
                await connection.SendPlistAsync(new PlistDictionary
                {
                    ["Status"] = "BrowsingApplications",
                    ["CurrentIndex"] = (long)index,
                    ["CurrentAmount"] = (long)batch.Count,
                    ["Total"] = (long)apps.Count,
                    ["PercentComplete"] = (long)(100 * (index + batch.Count) / apps.Count),
                    ["CurrentList"] = new PlistArray(batch),
                }, ServicePlistFormat.Xml, cancellationToken).ConfigureAwait(false);
            }

            await connection.SendPlistAsync(new PlistDictionary { ["Status"] = "Complete" }, ServicePlistFormat.Xml, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The app's name from <c>AppDomain-&lt;id&gt;/Library/Preferences/&lt;id&gt;.plist</c>, else the bundle ID's last part.</summary>
    private string DisplayName(string bundleId)
    {
        try
        {
            var preferences = phone.Resolve("AppDomain-" + bundleId, $"Library/Preferences/{bundleId}.plist");
            if (File.Exists(preferences) && PlistReader.ReadFile(preferences) is PlistDictionary d && d.GetString("CFBundleDisplayName") is { Length: > 0 } name)
            {
                return name;
            }
        }
        catch (Exception e) when (e is PlistFormatException or IOException or InvalidCastException or Keepsake.Primitives.PathEscapeException)
        {
            // An unreadable preferences file: the app keeps its short name.
        }

        return bundleId[(bundleId.LastIndexOf('.') + 1)..];
    }

    private static PlistDictionary Describe(string bundleId, string name, HashSet<string>? wanted)
    {
        var all = new PlistDictionary
        {
            ["ApplicationType"] = "User",
            ["CFBundleIdentifier"] = bundleId,
            ["CFBundleDisplayName"] = name,
            ["CFBundleName"] = name,
            ["CFBundleShortVersionString"] = "1.0",
            ["CFBundleVersion"] = "1",
            ["ApplicationSINF"] = SHA256.HashData(Encoding.UTF8.GetBytes("sinf:" + bundleId)),
            ["iTunesMetadata"] = PlistWriter.ToBinary(new PlistDictionary
            {
                ["softwareVersionBundleId"] = bundleId,
                ["itemName"] = name,
                ["bundleShortVersionString"] = "1.0",
                ["itemId"] = (long)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(bundleId))) % 1_000_000_000),
            }),
        };
        if (wanted is null)
        {
            return all;
        }

        var chosen = new PlistDictionary();
        foreach (var key in all.Keys.Where(wanted.Contains))
        {
            chosen[key] = all[key];
        }

        return chosen;
    }
}
