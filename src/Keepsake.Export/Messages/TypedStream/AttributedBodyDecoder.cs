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
        // Most bodies have one shape, decoded without the generic object model; anything else (and any error) goes the generic way.
        if (AttributedBodyFastPath.TryDecode(blob) is { } body)
        {
            return body;
        }

        return DecodeGeneric(blob);
    }

    /// <summary>Decodes a blob through the generic object model (<see cref="TypedStreamReader"/>, <see cref="TypedStreamFoundation"/>).</summary>
    internal static AttributedBody DecodeGeneric(ReadOnlySpan<byte> blob)
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

        var builder = new AttributedRunBuilder(text);
        var i = 1;
        while (i < obj.Groups.Count)
        {
            var group = obj.Groups[i++];
            if (group.Encoding != "iI" || group.Values[0] is not long index || group.Values[1] is not ulong rawLength)
            {
                throw new TypedStreamException($"expected an 'iI' run in {obj.Class?.Name}, found '{group.Encoding}'", obj.Offset);
            }

            var attributes = builder.Find(index);
            if (attributes is null)
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
                builder.Define(index, attributes);
            }

            builder.Add(rawLength, attributes);
        }

        return builder.Build();
    }
}
