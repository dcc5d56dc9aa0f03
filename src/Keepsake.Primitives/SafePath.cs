namespace Keepsake.Primitives;

/// <summary>
/// Joins untrusted relative paths onto a trusted root folder so that the result can never
/// leave it. Rejects absolute paths, drive or UNC prefixes, NUL characters and <c>..</c>
/// segments; <c>.</c> and empty segments are dropped. With <see cref="ResolveNoFollow"/>,
/// every existing ancestor inside the root is also checked not to be a symbolic link,
/// so a link planted earlier (by a hostile archive) cannot redirect a later write.
/// </summary>
public sealed class SafePath
{
    private readonly string _root;

    /// <summary>Creates a resolver for <paramref name="root"/> (made absolute and normalised).</summary>
    public SafePath(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    /// <summary>The absolute root folder.</summary>
    public string Root => _root;

    /// <summary>
    /// The absolute path of <paramref name="untrustedRelativePath"/> under the root.
    /// Both '/' and '\' separate segments.
    /// </summary>
    /// <exception cref="PathEscapeException">The path would leave the root.</exception>
    public string Resolve(string untrustedRelativePath)
    {
        ArgumentNullException.ThrowIfNull(untrustedRelativePath);
        var segments = Split(untrustedRelativePath);
        var combined = segments.Count == 0 ? _root : Path.Combine(_root, Path.Combine([.. segments]));
        var full = Path.GetFullPath(combined);
        if (!IsInside(full))
        {
            throw new PathEscapeException(_root, untrustedRelativePath, "it resolves outside the target folder");
        }

        return full;
    }

    /// <summary>
    /// Like <see cref="Resolve"/>, and also refuses when any existing directory between the root
    /// and the target (the target itself included) is a symbolic link.
    /// </summary>
    public string ResolveNoFollow(string untrustedRelativePath)
    {
        var full = Resolve(untrustedRelativePath);
        var current = _root;
        foreach (var segment in Split(untrustedRelativePath))
        {
            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.Exists || Directory.Exists(current))
            {
                if (info.LinkTarget is not null || new DirectoryInfo(current).LinkTarget is not null)
                {
                    throw new PathEscapeException(_root, untrustedRelativePath, $"'{current}' is a symbolic link");
                }
            }
            else
            {
                break;
            }
        }

        return full;
    }

    /// <summary>Whether <paramref name="absolutePath"/> is the root or lies beneath it.</summary>
    public bool IsInside(string absolutePath)
    {
        var full = Path.GetFullPath(absolutePath);
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
            ? StringComparison.OrdinalIgnoreCase
            : StringComparison.Ordinal;
        return full.Equals(_root, comparison)
            || (full.StartsWith(_root, comparison) && (full[_root.Length] == Path.DirectorySeparatorChar || _root.EndsWith(Path.DirectorySeparatorChar)));
    }

    private List<string> Split(string path)
    {
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new PathEscapeException(_root, path.Replace("\0", "\\0", StringComparison.Ordinal), "it contains a NUL character");
        }

        if (path.StartsWith('/') || path.StartsWith('\\') || (path.Length >= 2 && path[1] == ':'))
        {
            throw new PathEscapeException(_root, path, "it is an absolute path");
        }

        var result = new List<string>();
        foreach (var segment in path.Split(['/', '\\']))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                throw new PathEscapeException(_root, path, "it contains a '..' segment");
            }

            result.Add(segment);
        }

        return result;
    }
}
