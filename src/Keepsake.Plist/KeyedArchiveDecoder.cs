namespace Keepsake.Plist;

/// <summary>Resolves the UIDs of one NSKeyedArchiver archive into plain objects (see <see cref="KeyedArchive"/>).</summary>
internal sealed class KeyedArchiveDecoder
{
    private static readonly object InProgress = new();

    private readonly PlistNode _archive;
    private readonly KeyedArchiveOptions _options;
    private readonly Dictionary<int, object?> _resolved = [];
    private readonly Dictionary<int, ClassInfo> _classes = [];
    private PlistArray _objects = [];
    private long _work;

    public KeyedArchiveDecoder(PlistNode archive, KeyedArchiveOptions options)
    {
        _archive = archive;
        _options = options;
    }

    private sealed record ClassInfo(string Name, IReadOnlyList<string> Chain);

    public object? DecodeRoot()
    {
        var topDict = Open();
        if (!topDict.TryGetValue("root", out var rootRef))
        {
            throw Error($"The archive's $top has no 'root' (it has: {string.Join(", ", topDict.Keys)}).");
        }

        return Value(rootRef, 0, "$top.root");
    }

    public Dictionary<string, object?> DecodeTop()
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in Open())
        {
            result[key] = Value(value, 0, "$top." + key);
        }

        return result;
    }

    /// <summary>Checks the archive's header and returns its <c>$top</c>.</summary>
    private PlistDictionary Open()
    {
        if (_archive is not PlistDictionary top)
        {
            throw Error($"An archive must be a dictionary, not a {_archive.Kind}.");
        }

        var archiver = top.GetString("$archiver");
        if (archiver != KeyedArchive.ArchiverName)
        {
            throw Error(archiver is null ? "The plist has no $archiver: it is not an NSKeyedArchiver archive." : $"Unsupported $archiver '{archiver}'.");
        }

        _objects = top.GetArray("$objects") ?? throw Error("The archive has no $objects array.");
        return top.GetDictionary("$top") ?? throw Error("The archive has no $top dictionary.");
    }

    private static PlistFormatException Error(string message) => new(message, -1);

    private void CheckDepth(int depth, string where)
    {
        if (depth > _options.MaxDepth || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error($"Archive objects nest deeper than {_options.MaxDepth} (at {where}).");
        }

        if (++_work > _options.MaxObjects)
        {
            throw Error($"The archive expands to more than {_options.MaxObjects} objects (at {where}).");
        }
    }

    /// <summary>Decodes a value found inside an instance dictionary or an inline container: UIDs are followed, others taken as they are.</summary>
    private object? Value(PlistNode node, int depth, string where)
    {
        CheckDepth(depth, where);
        switch (node)
        {
            case PlistUid uid:
                return Object(uid, depth + 1, where);
            case PlistArray array:
                {
                    var list = new List<object?>(array.Count);
                    for (var i = 0; i < array.Count; i++)
                    {
                        list.Add(Value(array[i], depth + 1, $"{where}[{i}]"));
                    }

                    return list;
                }

            case PlistDictionary dict:
                {
                    var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var (key, value) in dict)
                    {
                        result[key] = Value(value, depth + 1, $"{where}.{key}");
                    }

                    return result;
                }

            default:
                return Scalar(node);
        }
    }

    private static object? Scalar(PlistNode node) => node switch
    {
        PlistString s => s.Value == "$null" ? null : s.Value,
        PlistData d => d.Value,
        PlistInteger i => i.Value >= long.MinValue && i.Value <= long.MaxValue ? (object)(long)i.Value : i.Value,
        PlistReal r => r.Value,
        PlistBoolean b => b.Value,
        PlistDate d => d.Value,
        PlistNull => null,
        _ => throw Error($"Unexpected {node.Kind} in the archive."),
    };

    private object? Object(PlistUid uid, int depth, string where)
    {
        if (uid.Value >= (ulong)_objects.Count)
        {
            throw Error($"UID {uid.Value} (at {where}) is outside the {_objects.Count} archived objects.");
        }

        var index = (int)uid.Value;
        if (_resolved.TryGetValue(index, out var done))
        {
            if (ReferenceEquals(done, InProgress))
            {
                throw Error($"Object {index} refers to itself through a value that cannot hold a cycle (at {where}).");
            }

            return done;
        }

        var node = _objects[index];
        if (node is not PlistDictionary dict || !dict.TryGetValue("$class", out var classRef))
        {
            if (node is PlistUid)
            {
                throw Error($"Object {index} is a bare UID.");
            }

            var plain = Value(node, depth, $"$objects[{index}]");
            _resolved[index] = plain;
            return plain;
        }

        if (classRef is not PlistUid classUid)
        {
            throw Error($"Object {index}'s $class is a {classRef.Kind}, not a UID.");
        }

        var info = Class(classUid, index);
        _resolved[index] = InProgress;
        var result = Instance(index, dict, info, depth);
        _resolved[index] = result;
        return result;
    }

    private ClassInfo Class(PlistUid classUid, int owner)
    {
        if (classUid.Value >= (ulong)_objects.Count)
        {
            throw Error($"Object {owner}'s $class UID {classUid.Value} is outside the archived objects.");
        }

        var index = (int)classUid.Value;
        if (_classes.TryGetValue(index, out var known))
        {
            return known;
        }

        if (_objects[index] is not PlistDictionary classDict || classDict.GetString("$classname") is not { Length: > 0 } name)
        {
            throw Error($"Object {index} (the class of object {owner}) is not a class dictionary with a $classname.");
        }

        var chain = classDict.GetArray("$classes")?.OfType<PlistString>().Select(s => s.Value).ToList() ?? [name];
        var info = new ClassInfo(name, chain);
        _classes[index] = info;
        return info;
    }

    private static string? Foundation(ClassInfo info)
    {
        foreach (var name in info.Chain.Count > 0 ? info.Chain : [info.Name])
        {
            switch (name)
            {
                case "NSString" or "NSMutableString":
                    return "NSString";
                case "NSData" or "NSMutableData":
                    return "NSData";
                case "NSArray" or "NSMutableArray" or "NSSet" or "NSMutableSet" or "NSOrderedSet" or "NSMutableOrderedSet":
                    return "NSArray";
                case "NSDictionary" or "NSMutableDictionary":
                    return "NSDictionary";
                case "NSDate":
                    return "NSDate";
                case "NSUUID":
                    return "NSUUID";
                case "NSURL":
                    return "NSURL";
            }
        }

        return null;
    }

    private object? Instance(int index, PlistDictionary dict, ClassInfo info, int depth)
    {
        var where = $"$objects[{index}] ({info.Name})";
        switch (Foundation(info))
        {
            case "NSString" when dict.TryGetValue("NS.string", out var s):
                return Value(s, depth, where) as string ?? throw Error($"{where}: NS.string is not a string.");
            case "NSString" when dict.TryGetValue("NS.bytes", out var b) && Value(b, depth, where) is byte[] utf8:
                return System.Text.Encoding.UTF8.GetString(utf8);
            case "NSData" when dict.TryGetValue("NS.data", out var d):
                return Value(d, depth, where) switch
                {
                    byte[] bytes => bytes,
                    null => Array.Empty<byte>(),
                    _ => throw Error($"{where}: NS.data is not data."),
                };
            case "NSArray" when dict.TryGetValue("NS.objects", out var objects):
                {
                    var list = new List<object?>();
                    _resolved[index] = list;
                    list.AddRange(Items(objects, depth, where + ".NS.objects"));
                    return list;
                }

            case "NSDictionary" when dict.TryGetValue("NS.keys", out var keysNode) && dict.TryGetValue("NS.objects", out var valuesNode):
                return Dictionary(index, keysNode, valuesNode, depth, where);
            case "NSDate" when dict.TryGetValue("NS.time", out var time):
                return Value(time, depth, where) switch
                {
                    double seconds when PlistDate.IsRepresentable(seconds) => PlistDate.FromAppleSeconds(seconds).Value,
                    long seconds when PlistDate.IsRepresentable(seconds) => PlistDate.AppleEpoch.AddSeconds(seconds),
                    _ => throw Error($"{where}: NS.time is not a usable number of seconds."),
                };
            case "NSUUID" when dict.TryGetValue("NS.uuidbytes", out var uuid) && Value(uuid, depth, where) is byte[] { Length: 16 } bytes16:
                return new Guid(bytes16, bigEndian: true);
            case "NSURL" when dict.TryGetValue("NS.relative", out var relative):
                {
                    var rel = Value(relative, depth, where) as string ?? string.Empty;
                    var baseValue = dict.TryGetValue("NS.base", out var b2) ? Value(b2, depth, where) as string : null;
                    if (baseValue is null)
                    {
                        return rel;
                    }

                    return Uri.TryCreate(baseValue, UriKind.Absolute, out var baseUri) && Uri.TryCreate(baseUri, rel, out var joined)
                        ? joined.ToString()
                        : baseValue + rel;
                }

            default:
                {
                    var obj = new ArchivedObject(info.Name, info.Chain.Count > 0 ? info.Chain : null);
                    _resolved[index] = obj;
                    foreach (var (key, value) in dict)
                    {
                        if (key != "$class")
                        {
                            obj.Fields[key] = Value(value, depth, $"{where}.{key}");
                        }
                    }

                    return obj;
                }
        }
    }

    private List<object?> Items(PlistNode node, int depth, string where)
    {
        if (node is not PlistArray array)
        {
            throw Error($"{where} is a {node.Kind}, not an array.");
        }

        var items = new List<object?>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            items.Add(Value(array[i], depth + 1, $"{where}[{i}]"));
        }

        return items;
    }

    private object Dictionary(int index, PlistNode keysNode, PlistNode valuesNode, int depth, string where)
    {
        var keys = Items(keysNode, depth, where + ".NS.keys");
        if (valuesNode is not PlistArray values || values.Count != keys.Count)
        {
            throw Error($"{where}: NS.objects does not match NS.keys ({keys.Count} keys).");
        }

        if (keys.All(k => k is string))
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            _resolved[index] = map;
            for (var i = 0; i < keys.Count; i++)
            {
                map[(string)keys[i]!] = Value(values[i], depth + 1, $"{where}.NS.objects[{i}]");
            }

            return map;
        }

        var general = new Dictionary<object, object?>();
        _resolved[index] = general;
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i] ?? throw Error($"{where}: key {i} is nil.");
            general[key] = Value(values[i], depth + 1, $"{where}.NS.objects[{i}]");
        }

        return general;
    }
}
