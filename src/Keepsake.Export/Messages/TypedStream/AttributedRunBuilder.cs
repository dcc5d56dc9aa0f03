namespace Keepsake.Export.Messages.TypedStream;

/// <summary>
/// Builds an <see cref="AttributedBody"/> from its text and its <c>iI</c> runs in order: each run starts
/// where the previous ended, a run past the end of the text is clamped (with a diagnostic), and runs
/// that do not cover the text are reported. Shared by the generic decoder and its fast path, so both
/// give the same body.
/// </summary>
internal sealed class AttributedRunBuilder(string text)
{
    private readonly List<AttributedRun> _runs = [];
    private (long Index, IReadOnlyDictionary<string, object?> Attributes)[] _small = new (long, IReadOnlyDictionary<string, object?>)[4];
    private int _smallCount;
    private Dictionary<long, IReadOnlyDictionary<string, object?>>? _many;
    private List<string>? _diagnostics;
    private int _position;

    public string Text { get; } = text;

    /// <summary>The attributes of an index defined earlier, or null.</summary>
    public IReadOnlyDictionary<string, object?>? Find(long index)
    {
        if (_many is not null)
        {
            return _many.GetValueOrDefault(index);
        }

        for (var i = 0; i < _smallCount; i++)
        {
            if (_small[i].Index == index)
            {
                return _small[i].Attributes;
            }
        }

        return null;
    }

    /// <summary>Defines the attributes of a new index (its first run carries the dictionary).</summary>
    public void Define(long index, IReadOnlyDictionary<string, object?> attributes)
    {
        if (_many is null && _smallCount < _small.Length)
        {
            _small[_smallCount++] = (index, attributes);
            return;
        }

        if (_many is null)
        {
            _many = [];
            for (var i = 0; i < _smallCount; i++)
            {
                _many[_small[i].Index] = _small[i].Attributes;
            }

            _small = [];
        }

        _many[index] = attributes;
    }

    /// <summary>Adds a run of <paramref name="rawLength"/> UTF-16 units with the given attributes.</summary>
    public void Add(ulong rawLength, IReadOnlyDictionary<string, object?> attributes)
    {
        var length = (int)Math.Min(rawLength, int.MaxValue);
        if (length > Text.Length - _position)
        {
            (_diagnostics ??= []).Add($"run {_runs.Count} ({rawLength} units at {_position}) runs past the {Text.Length}-unit text; clamped");
            length = Text.Length - _position;
        }

        _runs.Add(new AttributedRun(_position, length, Text.Substring(_position, length), attributes));
        _position += length;
    }

    public AttributedBody Build()
    {
        if (_runs.Count > 0 && _position != Text.Length)
        {
            (_diagnostics ??= []).Add($"runs cover {_position} of {Text.Length} UTF-16 units");
        }

        return new AttributedBody(Text, _runs, (IReadOnlyList<string>?)_diagnostics ?? []);
    }
}
