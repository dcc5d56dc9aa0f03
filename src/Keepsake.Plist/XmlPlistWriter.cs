using System.Globalization;
using System.Text;

namespace Keepsake.Plist;

/// <summary>Writes the XML form Apple's tools write: DOCTYPE, tab indentation, one value per line.</summary>
internal static class XmlPlistWriter
{
    private const string Header =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n" +
        "<plist version=\"1.0\">\n";

    public static byte[] Write(PlistNode root)
    {
        var sb = new StringBuilder(Header);
        var onPath = new HashSet<PlistNode>(ReferenceEqualityComparer.Instance);
        WriteValue(sb, root, 0, onPath);
        sb.Append("</plist>\n");
        return new UTF8Encoding(false).GetBytes(sb.ToString());
    }

    private static void WriteValue(StringBuilder sb, PlistNode node, int depth, HashSet<PlistNode> onPath)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (depth > PlistWriter.MaxDepth)
        {
            throw new ArgumentException($"The plist nests deeper than {PlistWriter.MaxDepth} levels.", nameof(node));
        }

        sb.Append('\t', depth);
        switch (node)
        {
            case PlistDictionary dict:
                if (dict.Count == 0)
                {
                    sb.Append("<dict/>\n");
                    return;
                }

                Enter(onPath, dict);
                sb.Append("<dict>\n");
                foreach (var (key, value) in dict)
                {
                    sb.Append('\t', depth + 1).Append("<key>");
                    Escape(sb, key);
                    sb.Append("</key>\n");
                    WriteValue(sb, value, depth + 1, onPath);
                }

                sb.Append('\t', depth).Append("</dict>\n");
                onPath.Remove(dict);
                return;
            case PlistArray array:
                if (array.Count == 0)
                {
                    sb.Append("<array/>\n");
                    return;
                }

                Enter(onPath, array);
                sb.Append("<array>\n");
                foreach (var item in array)
                {
                    WriteValue(sb, item, depth + 1, onPath);
                }

                sb.Append('\t', depth).Append("</array>\n");
                onPath.Remove(array);
                return;
            case PlistString s:
                sb.Append("<string>");
                Escape(sb, s.Value);
                sb.Append("</string>\n");
                return;
            case PlistInteger i:
                sb.Append("<integer>").Append(i.Value.ToString(CultureInfo.InvariantCulture)).Append("</integer>\n");
                return;
            case PlistReal r:
                sb.Append("<real>").Append(FormatReal(r.Value)).Append("</real>\n");
                return;
            case PlistBoolean b:
                sb.Append(b.Value ? "<true/>\n" : "<false/>\n");
                return;
            case PlistDate d:
                sb.Append("<date>").Append(d.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append("</date>\n");
                return;
            case PlistData data:
                sb.Append("<data>").Append(Convert.ToBase64String(data.Value)).Append("</data>\n");
                return;
            case PlistUid uid:
                sb.Append("<dict>\n");
                sb.Append('\t', depth + 1).Append("<key>CF$UID</key>\n");
                sb.Append('\t', depth + 1).Append("<integer>").Append(uid.Value.ToString(CultureInfo.InvariantCulture)).Append("</integer>\n");
                sb.Append('\t', depth).Append("</dict>\n");
                return;
            case PlistNull:
                throw new ArgumentException("XML plists cannot hold a null value.", nameof(node));
            default:
                throw new ArgumentException($"Unsupported plist node {node.GetType().Name}.", nameof(node));
        }
    }

    private static void Enter(HashSet<PlistNode> onPath, PlistNode container)
    {
        if (!onPath.Add(container))
        {
            throw new ArgumentException("The plist contains itself (a container is its own descendant).", nameof(container));
        }
    }

    private static string FormatReal(double value) => value switch
    {
        double.PositiveInfinity => "+infinity",
        double.NegativeInfinity => "-infinity",
        _ when double.IsNaN(value) => "nan",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void Escape(StringBuilder sb, string text)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '\r': sb.Append("&#13;"); break;
                case < ' ' and not '\t' and not '\n':
                    sb.Append("&#").Append(((int)c).ToString(CultureInfo.InvariantCulture)).Append(';');
                    break;
                default: sb.Append(c); break;
            }
        }
    }
}
