namespace Keepsake.Primitives;

/// <summary>
/// A path taken from untrusted data (a Manifest, a snapshot tree, an archive) would resolve
/// outside the folder it must stay in: <c>../</c> segments, an absolute path, a drive letter,
/// or a symbolic link that points out.
/// </summary>
public sealed class PathEscapeException : IOException
{
    public PathEscapeException(string root, string untrustedPath, string reason)
        : base($"Refusing path '{untrustedPath}': {reason} (it must stay inside '{root}').")
    {
        Root = root;
        UntrustedPath = untrustedPath;
    }

    /// <summary>The folder the path had to stay inside.</summary>
    public string Root { get; }

    /// <summary>The offending path, as given.</summary>
    public string UntrustedPath { get; }
}
