using System.Collections;

namespace Keepsake.Plist;

/// <summary>An ordered list of values.</summary>
public sealed class PlistArray : PlistNode, IList<PlistNode>, IReadOnlyList<PlistNode>
{
    private readonly List<PlistNode> _items;

    public PlistArray() => _items = [];

    /// <summary>An empty array with room for <paramref name="capacity"/> items.</summary>
    public PlistArray(int capacity) => _items = new List<PlistNode>(capacity);

    public PlistArray(IEnumerable<PlistNode> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = [.. items];
    }

    public override PlistNodeKind Kind => PlistNodeKind.Array;

    public int Count => _items.Count;

    public bool IsReadOnly => false;

    public PlistNode this[int index]
    {
        get => _items[index];
        set => _items[index] = value ?? throw new ArgumentNullException(nameof(value));
    }

    public void Add(PlistNode item) => _items.Add(item ?? throw new ArgumentNullException(nameof(item)));

    public void Clear() => _items.Clear();

    public bool Contains(PlistNode item) => _items.Contains(item);

    public void CopyTo(PlistNode[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);

    public IEnumerator<PlistNode> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public int IndexOf(PlistNode item) => _items.IndexOf(item);

    public void Insert(int index, PlistNode item) => _items.Insert(index, item ?? throw new ArgumentNullException(nameof(item)));

    public bool Remove(PlistNode item) => _items.Remove(item);

    public void RemoveAt(int index) => _items.RemoveAt(index);

    public override bool Equals(PlistNode? other) =>
        other is PlistArray a && a._items.Count == _items.Count && a._items.SequenceEqual(_items);

    public override int GetHashCode() => _items.Count;
}
