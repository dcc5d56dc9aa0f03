using System.Globalization;
using System.Text;
using System.Text.Json;
using Keepsake.Repository.Json;

namespace Keepsake.Repository.Trees;

/// <summary>
/// Tree blobs as restic writes them: Go encoding/json of <c>{"nodes":[...]}</c> followed by a
/// newline, with restic's field order and omit rules, so that equal trees get equal IDs.
/// </summary>
public static class TreeJson
{
    /// <summary>The largest tree blob we parse.</summary>
    public const int MaxTreeSize = 256 * 1024 * 1024;

    /// <summary>Serializes <paramref name="tree"/>.</summary>
    public static byte[] Serialize(Tree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var sb = new StringBuilder(256 * (tree.Nodes.Count + 1));
        sb.Append("{\"nodes\":[");
        for (var i = 0; i < tree.Nodes.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            AppendNode(sb, tree.Nodes[i]);
        }

        sb.Append("]}\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Parses a tree blob.</summary>
    /// <exception cref="RepositoryCorruptedException">It is not a valid tree.</exception>
    public static Tree Parse(ReadOnlySpan<byte> json, ObjectId treeId)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            if (!doc.RootElement.TryGetProperty("nodes", out var nodesElement))
            {
                throw Corrupt(treeId, "no 'nodes' field");
            }

            var nodes = new List<Node>();
            if (nodesElement.ValueKind == JsonValueKind.Array)
            {
                foreach (var n in nodesElement.EnumerateArray())
                {
                    nodes.Add(ParseNode(n, treeId));
                }
            }
            else if (nodesElement.ValueKind != JsonValueKind.Null)
            {
                throw Corrupt(treeId, "'nodes' is not a list");
            }

            return new Tree(nodes);
        }
        catch (JsonException e)
        {
            throw new RepositoryCorruptedException("tree blob", treeId.ToString(), "not valid JSON", innerException: e);
        }
        catch (InvalidOperationException e)
        {
            throw new RepositoryCorruptedException("tree blob", treeId.ToString(), "a field has the wrong JSON type", innerException: e);
        }
        catch (FormatException e)
        {
            throw new RepositoryCorruptedException("tree blob", treeId.ToString(), "a field has an invalid value", innerException: e);
        }
        catch (KeyNotFoundException e)
        {
            // JsonElement.GetProperty on a node that lacks a required field (found by the fuzzer).
            throw new RepositoryCorruptedException("tree blob", treeId.ToString(), "a node lacks a required field", innerException: e);
        }
    }

    /// <summary>The type's JSON name.</summary>
    public static string TypeName(NodeType type) => type switch
    {
        NodeType.File => "file",
        NodeType.Dir => "dir",
        NodeType.Symlink => "symlink",
        NodeType.Dev => "dev",
        NodeType.CharDev => "chardev",
        NodeType.Fifo => "fifo",
        NodeType.Socket => "socket",
        _ => "irregular",
    };

    private static Node ParseNode(JsonElement n, ObjectId treeId)
    {
        var rawName = n.GetProperty("name").GetString() ?? throw Corrupt(treeId, "a node has no name");
        var name = GoStrings.UnquoteInner(rawName) ?? throw Corrupt(treeId, $"node name '{rawName}' is not a valid quoted string");
        var typeName = n.GetProperty("type").GetString();
        var type = typeName switch
        {
            "file" => NodeType.File,
            "dir" => NodeType.Dir,
            "symlink" => NodeType.Symlink,
            "dev" => NodeType.Dev,
            "chardev" => NodeType.CharDev,
            "fifo" => NodeType.Fifo,
            "socket" => NodeType.Socket,
            "irregular" => NodeType.Irregular,
            _ => throw Corrupt(treeId, $"node '{name}' has unknown type '{typeName}'"),
        };

        List<ObjectId>? content = null;
        if (n.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.Array)
        {
            content = new List<ObjectId>(c.GetArrayLength());
            foreach (var id in c.EnumerateArray())
            {
                content.Add(ObjectId.Parse(id.GetString() ?? string.Empty));
            }
        }

        ObjectId? subtree = null;
        if (n.TryGetProperty("subtree", out var s) && s.ValueKind == JsonValueKind.String)
        {
            subtree = ObjectId.Parse(s.GetString()!);
        }

        if (type == NodeType.Dir && subtree is null)
        {
            throw Corrupt(treeId, $"directory '{name}' has no subtree");
        }

        return new Node
        {
            Name = name,
            Type = type,
            Mode = (uint)UInt(n, "mode"),
            ModTime = Time(n, "mtime"),
            AccessTime = Time(n, "atime"),
            ChangeTime = Time(n, "ctime"),
            Uid = (uint)UInt(n, "uid"),
            Gid = (uint)UInt(n, "gid"),
            User = Str(n, "user"),
            Group = Str(n, "group"),
            Inode = UInt(n, "inode"),
            DeviceId = UInt(n, "device_id"),
            Size = UInt(n, "size"),
            Links = UInt(n, "links"),
            LinkTarget = Str(n, "linktarget"),
            Device = UInt(n, "device"),
            Content = content,
            Subtree = subtree,
            Error = Str(n, "error"),
        };
    }

    private static ulong UInt(JsonElement n, string name) =>
        n.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetUInt64() : 0;

    private static string? Str(JsonElement n, string name) =>
        n.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTimeOffset Time(JsonElement n, string name) =>
        n.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && GoTime.TryParse(v.GetString(), out var t) ? t : default;

    private static RepositoryCorruptedException Corrupt(ObjectId treeId, string problem) =>
        new("tree blob", treeId.ToString(), problem);

    private static void AppendNode(StringBuilder sb, Node node)
    {
        sb.Append("{\"name\":");
        GoStrings.AppendJsonString(sb, GoStrings.QuoteInner(node.Name));
        sb.Append(",\"type\":\"").Append(TypeName(node.Type)).Append('"');
        if (node.Mode != 0)
        {
            sb.Append(",\"mode\":").Append(node.Mode.ToString(CultureInfo.InvariantCulture));
        }

        sb.Append(",\"mtime\":\"").Append(GoTime.Format(node.ModTime)).Append('"');
        sb.Append(",\"atime\":\"").Append(GoTime.Format(node.AccessTime)).Append('"');
        sb.Append(",\"ctime\":\"").Append(GoTime.Format(node.ChangeTime)).Append('"');
        sb.Append(",\"uid\":").Append(node.Uid.ToString(CultureInfo.InvariantCulture));
        sb.Append(",\"gid\":").Append(node.Gid.ToString(CultureInfo.InvariantCulture));
        AppendOptional(sb, "user", node.User);
        AppendOptional(sb, "group", node.Group);
        AppendOptional(sb, "inode", node.Inode);
        AppendOptional(sb, "device_id", node.DeviceId);
        AppendOptional(sb, "size", node.Size);
        AppendOptional(sb, "links", node.Links);
        AppendOptional(sb, "linktarget", node.LinkTarget);
        AppendOptional(sb, "device", node.Device);
        sb.Append(",\"content\":");
        if (node.Content is null)
        {
            sb.Append("null");
        }
        else
        {
            sb.Append('[');
            for (var i = 0; i < node.Content.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                sb.Append('"').Append(node.Content[i].ToString()).Append('"');
            }

            sb.Append(']');
        }

        if (node.Subtree is { } subtree)
        {
            sb.Append(",\"subtree\":\"").Append(subtree.ToString()).Append('"');
        }

        AppendOptional(sb, "error", node.Error);
        sb.Append('}');
    }

    private static void AppendOptional(StringBuilder sb, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            sb.Append(",\"").Append(name).Append("\":");
            GoStrings.AppendJsonString(sb, value);
        }
    }

    private static void AppendOptional(StringBuilder sb, string name, ulong value)
    {
        if (value != 0)
        {
            sb.Append(",\"").Append(name).Append("\":").Append(value.ToString(CultureInfo.InvariantCulture));
        }
    }
}
