using Keepsake.Primitives;

namespace Keepsake.Device.Simulator.Phone;

/// <summary>
/// The simulated phone's data: a folder laid out as <c>&lt;Domain&gt;/&lt;relativePath&gt;</c>. AFC
/// serves <c>CameraRollDomain/Media</c> as the media partition root.
/// </summary>
public sealed class PhoneContents
{
    private readonly SafePath _root;

    public PhoneContents(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Directory.CreateDirectory(root);
        _root = new SafePath(root);
    }

    public string Root => _root.Root;

    /// <summary>The folder AFC exposes as "/" (the media partition).</summary>
    public string MediaRoot => Path.Combine(Root, "CameraRollDomain", "Media");

    /// <summary>Every domain folder, then every file and folder inside, in ordinal path order.</summary>
    public IReadOnlyList<PhoneFile> Enumerate()
    {
        var list = new List<PhoneFile>();
        foreach (var domainDir in Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal))
        {
            var domain = Path.GetFileName(domainDir);
            foreach (var entry in new DirectoryInfo(domainDir).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
            {
                if (entry.LinkTarget is not null)
                {
                    continue;
                }

                var relative = Path.GetRelativePath(domainDir, entry.FullName).Replace('\\', '/');
                list.Add(new PhoneFile(domain, relative, entry.FullName, entry is DirectoryInfo, entry is FileInfo f ? f.Length : 0, new DateTimeOffset(entry.LastWriteTimeUtc, TimeSpan.Zero)));
            }
        }

        list.Sort((a, b) => string.CompareOrdinal(a.Domain + "/" + a.RelativePath, b.Domain + "/" + b.RelativePath));
        return list;
    }

    /// <summary>The bundle IDs of the phone's apps: one per <c>AppDomain-&lt;bundle id&gt;</c> folder, in ordinal order.</summary>
    public IReadOnlyList<string> InstalledApps() =>
        [.. Directory.EnumerateDirectories(Root).Select(Path.GetFileName).OfType<string>()
            .Where(d => d.StartsWith("AppDomain-", StringComparison.Ordinal) && d.Length > "AppDomain-".Length)
            .Select(d => d["AppDomain-".Length..]).Order(StringComparer.Ordinal)];

    /// <summary>The full path for a domain file; the names come from the host and are confined to the phone folder.</summary>
    public string Resolve(string domain, string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        ArgumentNullException.ThrowIfNull(relativePath);
        if (domain.Contains('/', StringComparison.Ordinal) || domain.Contains('\\', StringComparison.Ordinal))
        {
            throw new PathEscapeException(Root, domain, "a domain name cannot contain a path separator");
        }

        return _root.ResolveNoFollow(domain + "/" + relativePath);
    }
}
