using System.Globalization;

namespace Keepsake.Plist;

/// <summary>
/// An instance of a class that <see cref="KeyedArchive"/> does not map to a .NET type (for example
/// BackupAgent's <c>MBFile</c>): its class name, class chain and encoded fields. Field values are
/// plain objects as described on <see cref="KeyedArchive.Decode(PlistNode)"/>; the same archived
/// object decodes to the same .NET instance, so graphs with cycles are represented faithfully.
/// Build one in code with an object initializer: <c>new ArchivedObject("MBFile") { Fields = { ["Size"] = 3L } }</c>.
/// </summary>
public sealed class ArchivedObject
{
    /// <summary>An instance of <paramref name="className"/>, whose class chain is <paramref name="classes"/>
    /// (default: the class name then <c>NSObject</c>).</summary>
    public ArchivedObject(string className, IEnumerable<string>? classes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        ClassName = className;
        Classes = classes is null ? (className == "NSObject" ? ["NSObject"] : [className, "NSObject"]) : [.. classes];
    }

    /// <summary>The archived <c>$classname</c>, e.g. <c>MBFile</c>.</summary>
    public string ClassName { get; }

    /// <summary>The archived <c>$classes</c> chain, most derived first, e.g. <c>MBFile, NSObject</c>.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>
    /// The encoded fields, in archive order, without <c>$class</c>. Values are null, string, byte[],
    /// long, Int128, double, bool, DateTimeOffset, Guid, List&lt;object?&gt;, dictionaries or ArchivedObject.
    /// </summary>
    public Dictionary<string, object?> Fields { get; } = new(StringComparer.Ordinal);

    /// <summary>The field value, or null when absent.</summary>
    public object? this[string key] => Fields.TryGetValue(key, out var value) ? value : null;

    /// <summary>The field as a string, or null when absent or not a string.</summary>
    public string? GetString(string key) => this[key] as string;

    /// <summary>The field as bytes, or null when absent or not bytes.</summary>
    public byte[]? GetBytes(string key) => this[key] as byte[];

    /// <summary>The field as a 64-bit integer (also from int, bool or an in-range Int128), or null.</summary>
    public long? GetInt64(string key) => this[key] switch
    {
        long l => l,
        int i => i,
        bool b => b ? 1 : 0,
        Int128 big when big >= long.MinValue && big <= long.MaxValue => (long)big,
        _ => null,
    };

    /// <summary>The nested object at <paramref name="key"/>, or null.</summary>
    public ArchivedObject? GetObject(string key) => this[key] as ArchivedObject;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ClassName} ({Fields.Count} fields)");
}
