namespace Keepsake.Plist;

/// <summary>
/// Reads binary (<c>bplist00</c>) and XML property lists, detecting which from the first bytes.
/// The formats are described in docs/design/plist.md. Every problem with the input raises
/// <see cref="PlistFormatException"/>; the limits in <see cref="PlistReaderOptions"/> keep hostile
/// input from exhausting memory or the stack.
/// </summary>
public static class PlistReader
{
    /// <summary>Parses a binary or XML plist with the default limits.</summary>
    public static PlistNode Read(ReadOnlySpan<byte> data) => Read(data, PlistReaderOptions.Default);

    /// <summary>Parses a binary or XML plist.</summary>
    public static PlistNode Read(ReadOnlySpan<byte> data, PlistReaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (data.Length > options.MaxInputBytes)
        {
            throw new PlistFormatException($"The plist is {data.Length} bytes, more than the {options.MaxInputBytes} allowed.", options.MaxInputBytes);
        }

        if (IsBinary(data))
        {
            return new BinaryPlistReader(data, options).Read();
        }

        if (IsXml(data))
        {
            return XmlPlistReader.Read(data, options);
        }

        throw new PlistFormatException("The input is neither a binary plist ('bplist00') nor an XML plist.", 0);
    }

    /// <summary>Reads a whole stream (at most <see cref="PlistReaderOptions.MaxInputBytes"/>) and parses it.</summary>
    public static PlistNode Read(Stream stream) => Read(stream, PlistReaderOptions.Default);

    /// <summary>Reads a whole stream (at most <see cref="PlistReaderOptions.MaxInputBytes"/>) and parses it.</summary>
    public static PlistNode Read(Stream stream, PlistReaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > options.MaxInputBytes)
            {
                throw new PlistFormatException($"The plist is longer than the {options.MaxInputBytes} bytes allowed.", options.MaxInputBytes);
            }

            buffer.Write(chunk, 0, n);
        }

        return Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), options);
    }

    /// <summary>Reads and parses the plist file at <paramref name="path"/>.</summary>
    public static PlistNode ReadFile(string path) => ReadFile(path, PlistReaderOptions.Default);

    /// <summary>Reads and parses the plist file at <paramref name="path"/>.</summary>
    public static PlistNode ReadFile(string path, PlistReaderOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Read(stream, options);
    }

    /// <summary>Whether <paramref name="data"/> starts with the binary plist magic <c>bplist00</c>.</summary>
    public static bool IsBinary(ReadOnlySpan<byte> data) => data.StartsWith(BinaryPlistLayout.Magic);

    /// <summary>Whether <paramref name="data"/> looks like XML (optional BOM, whitespace, then '&lt;').</summary>
    internal static bool IsXml(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            data = data[3..];
        }
        else if (data.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return true;
        }

        var i = data.IndexOfAnyExcept(" \t\r\n"u8);
        return i >= 0 && data[i] == (byte)'<';
    }
}
