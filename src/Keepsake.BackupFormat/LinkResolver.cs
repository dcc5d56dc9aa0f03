namespace Keepsake.BackupFormat;

/// <summary>
/// Decides whether a symbolic link <see cref="BackupExtractor"/> is about to make would point outside
/// its domain folder once the kernel follows it. The target is resolved segment by segment on disk, as
/// the kernel does: a segment that is a link already made is replaced by that link's own target, so
/// <c>dot/dot/../..</c> with <c>dot → .</c> is seen to climb two folders, not to stay put as the
/// text suggests. A target that leaves the extract folder at any step, climbs (<c>..</c>) out of a
/// path that does not exist yet (a later link could make it mean anything), passes through a regular
/// file, or follows links more than <see cref="MaxHops"/> times is refused. Links that were followed
/// or made are "pinned": the extractor never replaces them, so an answer given here stays true.
/// </summary>
internal sealed class LinkResolver
{
    /// <summary>The most links followed for one target (Linux's MAXSYMLINKS).</summary>
    public const int MaxHops = 40;

    /// <summary>The most path segments walked for one target.</summary>
    private const int MaxSteps = 4096;

    private readonly string _root;
    private readonly HashSet<string> _pinned = new(StringComparer.Ordinal);

    /// <summary>Resolves within <paramref name="root"/>, the extract folder (absolute, normalised).</summary>
    public LinkResolver(string root) => _root = root;

    /// <summary>Whether a link at <paramref name="path"/> was made or followed by this extract.</summary>
    public bool IsPinned(string path) => _pinned.Contains(path);

    /// <summary>Records a link just made at <paramref name="path"/>.</summary>
    public void Pin(string path) => _pinned.Add(path);

    /// <summary>
    /// Null when a link in <paramref name="linkFolder"/> pointing at <paramref name="target"/> (relative)
    /// resolves inside <paramref name="allowed"/>; otherwise why not (completing "the link target 'x' ...").
    /// </summary>
    public string? Check(string linkFolder, string target, Keepsake.Primitives.SafePath allowed)
    {
        var followed = new List<string>();
        var current = linkFolder;
        var pending = new LinkedList<string>(Segments(target));
        var hops = 0;
        var missing = false;
        var steps = 0;
        while (pending.First is { } first)
        {
            if (++steps > MaxSteps)
            {
                return "is too long to resolve";
            }

            var segment = first.Value;
            pending.RemoveFirst();
            if (segment == "..")
            {
                if (missing)
                {
                    return "climbs out of a folder that does not exist yet";
                }

                current = Path.GetDirectoryName(current) ?? current;
                if (!IsInsideRoot(current))
                {
                    return "leaves the extracted folder when its links are followed";
                }

                continue;
            }

            var next = Path.Combine(current, segment);
            if (missing)
            {
                current = next;
                continue;
            }

            var info = new FileInfo(next);
            if (info.LinkTarget is { } linkTarget)
            {
                if (++hops > MaxHops)
                {
                    return $"follows more than {MaxHops} links";
                }

                if (Path.IsPathRooted(linkTarget))
                {
                    return "passes through a link to an absolute path";
                }

                followed.Add(next);
                var node = pending.First;
                foreach (var inner in Segments(linkTarget))
                {
                    if (node is null)
                    {
                        pending.AddLast(inner);
                    }
                    else
                    {
                        pending.AddBefore(node, inner);
                    }
                }

                continue;
            }

            if (Directory.Exists(next))
            {
                current = next;
            }
            else if (info.Exists)
            {
                if (pending.Count > 0)
                {
                    return "passes through a regular file";
                }

                current = next;
            }
            else
            {
                missing = true;
                current = next;
            }
        }

        if (!allowed.IsInside(current))
        {
            return IsInsideRoot(current) ? "leaves the domain folder when its links are followed" : "leaves the extracted folder when its links are followed";
        }

        foreach (var link in followed)
        {
            _pinned.Add(link);
        }

        return null;
    }

    private static string[] Segments(string target) =>
        target.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();

    private bool IsInsideRoot(string path) => new Keepsake.Primitives.SafePath(_root).IsInside(path);
}
