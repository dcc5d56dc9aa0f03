using System.Text;

namespace Keepsake.Export.Databases;

/// <summary>
/// One string instance per distinct short text value of a column that repeats (service names, the
/// owner's address, effect ids): looking the UTF-8 bytes up costs less than decoding them into a new
/// string for every row. Holds at most <see cref="Limit"/> strings; beyond that values are decoded as usual.
/// </summary>
internal sealed class Utf8Interner
{
    /// <summary>Most distinct values kept.</summary>
    public const int Limit = 4096;

    private const int MaxChars = 128;
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public Utf8Interner() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The column's text (see <see cref="SqliteStatement.Text"/>), interned when it is short text.</summary>
    public string? Get(SqliteStatement row, int column)
    {
        if (!row.IsText(column))
        {
            return row.Text(column); // NULL, a blob or a number: converted as usual
        }

        var bytes = row.TextBytes(column);
        if (bytes.Length > MaxChars)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        Span<char> chars = stackalloc char[MaxChars];
        var count = Encoding.UTF8.GetChars(bytes, chars);
        if (_lookup.TryGetValue(chars[..count], out var known))
        {
            return known;
        }

        var text = new string(chars[..count]);
        if (_strings.Count < Limit)
        {
            _strings[text] = text;
        }

        return text;
    }
}
