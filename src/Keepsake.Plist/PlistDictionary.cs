using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Keepsake.Plist;

/// <summary>
/// A dictionary of string keys, keeping insertion order (plist writers emit keys in that order;
/// equality ignores order). Typed getters name the missing or mistyped key in their exceptions.
/// </summary>
public sealed class PlistDictionary : PlistNode, IEnumerable<KeyValuePair<string, PlistNode>>
{
    private readonly Dictionary<string, PlistNode> _map = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public override PlistNodeKind Kind => PlistNodeKind.Dictionary;

    public int Count => _map.Count;

    /// <summary>Keys in insertion order.</summary>
    public IReadOnlyList<string> Keys => _order;

    /// <summary>Gets a value (throws <see cref="KeyNotFoundException"/> naming the key) or sets one (replacing in place).</summary>
    public PlistNode this[string key]
    {
        get => _map.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"The plist dictionary has no key '{key}'.");
        set
        {
            ArgumentNullException.ThrowIfNull(key);
            ArgumentNullException.ThrowIfNull(value);
            if (!_map.ContainsKey(key))
            {
                _order.Add(key);
            }

            _map[key] = value;
        }
    }

    /// <summary>Adds a key; throws if it is already present.</summary>
    public void Add(string key, PlistNode value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!_map.TryAdd(key, value))
        {
            throw new ArgumentException($"Duplicate plist key '{key}'.", nameof(key));
        }

        _order.Add(key);
    }

    /// <summary>Adds a key unless it is already present; returns whether it was added.</summary>
    public bool TryAdd(string key, PlistNode value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!_map.TryAdd(key, value))
        {
            return false;
        }

        _order.Add(key);
        return true;
    }

    public bool ContainsKey(string key) => _map.ContainsKey(key);

    public bool Remove(string key) => _map.Remove(key) && _order.Remove(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out PlistNode value) => _map.TryGetValue(key, out value);

    /// <summary>The value if present and of kind <typeparamref name="T"/>, else null.</summary>
    public T? Get<T>(string key)
        where T : PlistNode =>
        _map.TryGetValue(key, out var v) ? v as T : null;

    /// <summary>The string at <paramref name="key"/>, or null when absent or not a string.</summary>
    public string? GetString(string key) => Get<PlistString>(key)?.Value;

    /// <summary>The integer at <paramref name="key"/>, or null when absent or not an integer (or out of range).</summary>
    public long? GetInt64(string key)
    {
        var i = Get<PlistInteger>(key);
        return i is not null && i.Value >= long.MinValue && i.Value <= long.MaxValue ? (long)i.Value : null;
    }

    /// <summary>The boolean at <paramref name="key"/>, or null.</summary>
    public bool? GetBoolean(string key) => Get<PlistBoolean>(key)?.Value;

    /// <summary>The bytes at <paramref name="key"/>, or null.</summary>
    public byte[]? GetData(string key) => Get<PlistData>(key)?.Value;

    /// <summary>The date at <paramref name="key"/>, or null.</summary>
    public DateTimeOffset? GetDate(string key) => Get<PlistDate>(key)?.Value;

    /// <summary>The nested dictionary at <paramref name="key"/>, or null.</summary>
    public PlistDictionary? GetDictionary(string key) => Get<PlistDictionary>(key);

    /// <summary>The array at <paramref name="key"/>, or null.</summary>
    public PlistArray? GetArray(string key) => Get<PlistArray>(key);

    public IEnumerator<KeyValuePair<string, PlistNode>> GetEnumerator()
    {
        foreach (var key in _order)
        {
            yield return new KeyValuePair<string, PlistNode>(key, _map[key]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override bool Equals(PlistNode? other)
    {
        if (other is not PlistDictionary d || d._map.Count != _map.Count)
        {
            return false;
        }

        foreach (var (key, value) in _map)
        {
            if (!d._map.TryGetValue(key, out var otherValue) || !value.Equals(otherValue))
            {
                return false;
            }
        }

        return true;
    }

    public override int GetHashCode() => _map.Count;
}
