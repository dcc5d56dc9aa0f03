namespace Keepsake.Plist;

/// <summary>
/// Writes property lists as binary (<c>bplist00</c>) or Apple-style XML (docs/design/plist.md).
/// A tree that nests deeper than 1,024 levels or contains itself raises <see cref="ArgumentException"/>.
/// </summary>
public static class PlistWriter
{
    /// <summary>Deepest nesting the writers accept.</summary>
    public const int MaxDepth = 1024;

    /// <summary>Encodes <paramref name="root"/> as a binary plist.</summary>
    public static byte[] ToBinary(PlistNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return BinaryPlistWriter.Write(root);
    }

    /// <summary>Encodes <paramref name="root"/> as an XML plist (UTF-8, tab-indented, Apple's DOCTYPE).</summary>
    /// <exception cref="ArgumentException">The tree holds a <see cref="PlistNull"/>, which XML cannot express.</exception>
    public static byte[] ToXml(PlistNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return XmlPlistWriter.Write(root);
    }

    /// <summary>Writes <paramref name="root"/> as a binary plist to <paramref name="destination"/>.</summary>
    public static void WriteBinary(Stream destination, PlistNode root)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(ToBinary(root));
    }

    /// <summary>Writes <paramref name="root"/> as an XML plist to <paramref name="destination"/>.</summary>
    public static void WriteXml(Stream destination, PlistNode root)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(ToXml(root));
    }
}
