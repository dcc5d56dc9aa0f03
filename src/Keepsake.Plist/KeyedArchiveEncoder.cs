using System.Collections;

namespace Keepsake.Plist;

/// <summary>Builds an NSKeyedArchiver archive from plain objects (see <see cref="KeyedArchive.Encode"/>).</summary>
internal sealed class KeyedArchiveEncoder
{
    private const int MaxDepth = 512;

    private readonly PlistArray _objects = [new PlistString("$null")];
    private readonly Dictionary<object, PlistUid> _byReference = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, PlistUid> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PlistUid> _classes = new(StringComparer.Ordinal);

    public PlistDictionary EncodeRoot(object? root)
    {
        var rootUid = Reference(root, 0);
        return new PlistDictionary
        {
            ["$version"] = KeyedArchive.Version,
            ["$archiver"] = KeyedArchive.ArchiverName,
            ["$top"] = new PlistDictionary { ["root"] = rootUid },
            ["$objects"] = _objects,
        };
    }

    private PlistUid Append(PlistNode node)
    {
        var uid = new PlistUid((ulong)_objects.Count);
        _objects.Add(node);
        return uid;
    }

    /// <summary>The UID of <paramref name="value"/> in <c>$objects</c>, adding it (and what it holds) on first sight.</summary>
    private PlistUid Reference(object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"The object graph nests deeper than {MaxDepth} levels.", nameof(value));
        }

        switch (value)
        {
            case null:
                return new PlistUid(0);
            case string s:
                if (!_strings.TryGetValue(s, out var su))
                {
                    su = Append(new PlistString(s));
                    _strings[s] = su;
                }

                return su;
        }

        if (_byReference.TryGetValue(value, out var known))
        {
            return known;
        }

        if (Inline(value) is { } scalar)
        {
            // Numbers and booleans are stored as bare plist values (NSNumber).
            return value.GetType().IsValueType ? Append(scalar) : Remember(value, Append(scalar));
        }

        switch (value)
        {
            case byte[] bytes:
                return Remember(value, Append(new PlistData(bytes)));
            case DateTimeOffset date:
                return Instance("NSDate", ["NSDate", "NSObject"], new PlistDictionary { ["NS.time"] = new PlistDate(date).SecondsSinceAppleEpoch });
            case DateTime dateTime:
                return Reference(new DateTimeOffset(dateTime.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dateTime, DateTimeKind.Utc) : dateTime), depth);
            case Guid guid:
                return Instance("NSUUID", ["NSUUID", "NSObject"], new PlistDictionary { ["NS.uuidbytes"] = guid.ToByteArray(bigEndian: true) });
            case Uri uri:
                {
                    var fields = new PlistDictionary();
                    var uid = Append(fields);
                    fields["NS.base"] = new PlistUid(0);
                    fields["NS.relative"] = Reference(uri.OriginalString, depth + 1);
                    fields["$class"] = Class("NSURL", ["NSURL", "NSObject"]);
                    return uid;
                }
            case ArchivedObject obj:
                {
                    var fields = new PlistDictionary();
                    var uid = Remember(value, Append(fields));
                    foreach (var (key, field) in obj.Fields)
                    {
                        if (key == "$class")
                        {
                            throw new ArgumentException("An ArchivedObject field may not be named '$class'.", nameof(value));
                        }

                        fields[key] = Inline(field) ?? InlineFoundationField(key, field) ?? Reference(field, depth + 1);
                    }

                    fields["$class"] = Class(obj.ClassName, obj.Classes);
                    return uid;
                }

            case IDictionary dictionary:
                {
                    var fields = new PlistDictionary();
                    var uid = Remember(value, Append(fields));
                    var keys = new PlistArray();
                    var values = new PlistArray();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        keys.Add(Reference(entry.Key, depth + 1));
                        values.Add(Reference(entry.Value, depth + 1));
                    }

                    fields["NS.keys"] = keys;
                    fields["NS.objects"] = values;
                    fields["$class"] = Class("NSDictionary", ["NSDictionary", "NSObject"]);
                    return uid;
                }

            case IEnumerable sequence:
                {
                    var fields = new PlistDictionary();
                    var uid = Remember(value, Append(fields));
                    var items = new PlistArray();
                    foreach (var item in sequence)
                    {
                        items.Add(Reference(item, depth + 1));
                    }

                    fields["NS.objects"] = items;
                    fields["$class"] = Class("NSArray", ["NSArray", "NSObject"]);
                    return uid;
                }

            default:
                throw new ArgumentException($"Values of type {value.GetType().Name} cannot be archived.", nameof(value));
        }
    }

    private PlistUid Remember(object value, PlistUid uid)
    {
        _byReference[value] = uid;
        return uid;
    }

    /// <summary>Appends an instance whose fields are all inline, then its class.</summary>
    private PlistUid Instance(string className, IReadOnlyList<string> chain, PlistDictionary fields)
    {
        var uid = Append(fields);
        fields["$class"] = Class(className, chain);
        return uid;
    }

    private PlistUid Class(string name, IReadOnlyList<string> chain)
    {
        if (!_classes.TryGetValue(name, out var uid))
        {
            uid = Append(new PlistDictionary
            {
                ["$classname"] = name,
                ["$classes"] = new PlistArray(chain.Select(c => (PlistNode)new PlistString(c))),
            });
            _classes[name] = uid;
        }

        return uid;
    }

    /// <summary>
    /// Foundation's own classes keep their payload inline (NSData's <c>NS.data</c>, NSString's
    /// <c>NS.string</c>/<c>NS.bytes</c>, NSUUID's <c>NS.uuidbytes</c>), so an ArchivedObject standing
    /// for one of them is written the same way.
    /// </summary>
    private static PlistNode? InlineFoundationField(string key, object? value) => (key, value) switch
    {
        ("NS.data" or "NS.bytes" or "NS.uuidbytes", byte[] bytes) => new PlistData(bytes),
        ("NS.string", string text) => new PlistString(text),
        _ => null,
    };

    /// <summary>Scalars an instance dictionary stores inline; null for everything that needs a UID.</summary>
    private static PlistNode? Inline(object? value) => value switch
    {
        long l => new PlistInteger(l),
        int i => new PlistInteger(i),
        short s => new PlistInteger(s),
        byte b => new PlistInteger(b),
        uint u => new PlistInteger(u),
        ulong u => new PlistInteger(u),
        Int128 big => new PlistInteger(big),
        bool b => new PlistBoolean(b),
        double d => new PlistReal(d),
        float f => new PlistReal(f),
        _ => null,
    };
}
