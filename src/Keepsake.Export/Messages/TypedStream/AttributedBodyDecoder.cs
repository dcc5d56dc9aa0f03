namespace Keepsake.Export.Messages.TypedStream;

/// <summary>
/// Decodes an sms.db <c>attributedBody</c> (an NSAttributedString archived as a typedstream) into
/// its text and runs. See docs/design/exporters.md, "attributedBody".
/// </summary>
public static class AttributedBodyDecoder
{
    /// <summary>Decodes a blob.</summary>
    /// <exception cref="TypedStreamException">The blob is not a well-formed attributed string.</exception>
    public static AttributedBody Decode(ReadOnlySpan<byte> blob)
    {
        var groups = TypedStreamReader.ReadAll(blob);
        foreach (var group in groups)
        {
            foreach (var value in group.Values)
            {
                if (value is TypedStreamObject obj)
                {
                    if (obj.IsKindOf("NSAttributedString"))
                    {
                        return FromObject(obj, 0);
                    }

                    if (obj.IsKindOf("NSString"))
                    {
                        return new AttributedBody(TypedStreamFoundation.ToText(obj), [], []);
                    }
                }
            }
        }

        throw new TypedStreamException("the stream holds no NSAttributedString or NSString", 0);
    }

    /// <summary>Decodes a blob, returning false and a one-line reason instead of throwing.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> blob, out AttributedBody? body, out string? error)
    {
        try
        {
            body = Decode(blob);
            error = null;
            return true;
        }
        catch (TypedStreamException ex)
        {
            body = null;
            error = ex.Message;
            return false;
        }
    }

    internal static AttributedBody FromObject(TypedStreamObject obj, int depth)
    {
        if (obj.Groups.Count == 0 || obj.Groups[0].Encoding != "@")
        {
            throw new TypedStreamException($"{obj.Class?.Name} does not start with its string", obj.Offset);
        }

        var text = obj.Groups[0].Values[0] switch
        {
            null => string.Empty,
            TypedStreamObject s => TypedStreamFoundation.ToText(s),
            _ => throw new TypedStreamException($"{obj.Class?.Name} string is not an object", obj.Offset),
        };

        var dictionaries = new Dictionary<long, IReadOnlyDictionary<string, object?>>();
        var runs = new List<AttributedRun>();
        var diagnostics = new List<string>();
        var position = 0;
        var i = 1;
        while (i < obj.Groups.Count)
        {
            var group = obj.Groups[i++];
            if (group.Encoding != "iI" || group.Values[0] is not long index || group.Values[1] is not ulong rawLength)
            {
                throw new TypedStreamException($"expected an 'iI' run in {obj.Class?.Name}, found '{group.Encoding}'", obj.Offset);
            }

            if (!dictionaries.TryGetValue(index, out var attributes))
            {
                if (i >= obj.Groups.Count || obj.Groups[i].Encoding != "@")
                {
                    throw new TypedStreamException($"run with new attribute index {index} has no dictionary", obj.Offset);
                }

                var mapped = TypedStreamFoundation.Map(obj.Groups[i++].Values[0], depth + 1);
                attributes = mapped switch
                {
                    IReadOnlyDictionary<string, object?> d => d,
                    null => new Dictionary<string, object?>(),
                    _ => throw new TypedStreamException($"attribute set {index} is not a dictionary", obj.Offset),
                };
                dictionaries[index] = attributes;
            }

            var length = (int)Math.Min(rawLength, int.MaxValue);
            if (length > text.Length - position)
            {
                diagnostics.Add($"run {runs.Count} ({rawLength} units at {position}) runs past the {text.Length}-unit text; clamped");
                length = text.Length - position;
            }

            runs.Add(new AttributedRun(position, length, text.Substring(position, length), attributes));
            position += length;
        }

        if (runs.Count > 0 && position != text.Length)
        {
            diagnostics.Add($"runs cover {position} of {text.Length} UTF-16 units");
        }

        return new AttributedBody(text, runs, diagnostics);
    }
}
