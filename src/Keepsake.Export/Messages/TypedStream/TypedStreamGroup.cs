namespace Keepsake.Export.Messages.TypedStream;

/// <summary>
/// One typed value group: an encoding string (e.g. <c>@</c>, <c>iI</c>, <c>[6c]</c>) and one value per
/// type in it. Values are: <see cref="long"/> (signed integers and <c>c</c>), <see cref="ulong"/>
/// (unsigned integers and <c>C</c>), <see cref="bool"/> (<c>B</c>), <see cref="double"/> (<c>f</c>, <c>d</c>),
/// <see cref="byte"/>[] (<c>+</c> and <c>[Nc]</c>), <see cref="string"/> (<c>*</c>, <c>%</c>, <c>:</c>; null for NIL),
/// <see cref="TypedStreamClass"/> (<c>#</c>), <see cref="TypedStreamObject"/> or null (<c>@</c>),
/// and <see cref="object"/>?[] for other arrays and structs.
/// </summary>
public sealed class TypedStreamGroup
{
    internal TypedStreamGroup(string encoding, IReadOnlyList<object?> values)
    {
        Encoding = encoding;
        Values = values;
    }

    public string Encoding { get; }

    public IReadOnlyList<object?> Values { get; }

    /// <summary>The single value of a one-type group.</summary>
    public object? Single => Values.Count == 1 ? Values[0] : throw new InvalidOperationException($"Group '{Encoding}' has {Values.Count} values.");

    /// <inheritdoc />
    public override string ToString() => $"{Encoding}: {string.Join(", ", Values)}";
}
