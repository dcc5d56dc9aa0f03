using System.Globalization;
using System.Xml;

namespace Keepsake.Plist;

/// <summary>
/// Parses an XML plist with a locked-down <see cref="XmlReader"/>: the DOCTYPE is skipped, never
/// fetched or expanded, so external entities and entity-expansion bombs cannot work. Errors carry
/// offset -1 and name the line and column in the message.
/// </summary>
internal static class XmlPlistReader
{
    public static PlistNode Read(ReadOnlySpan<byte> data, PlistReaderOptions options)
    {
        // Be lenient where Apple's parser is: a UTF-8 BOM and whitespace before the declaration.
        if (data.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            data = data[3..];
        }

        if (data.IndexOfAnyExcept(" \t\r\n"u8) is > 0 and var first)
        {
            data = data[first..];
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            MaxCharactersInDocument = options.MaxInputBytes * 2,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CheckCharacters = false,
            CloseInput = true,
        };
        try
        {
            // Created inside the try: the reader decodes its first bytes at once, and an encoding it
            // cannot read is an XmlException from here (found by the fuzzer).
            using var reader = XmlReader.Create(new MemoryStream(data.ToArray(), writable: false), settings);
            var state = new State(reader, options);
            reader.MoveToContent();
            if (reader.NodeType != XmlNodeType.Element)
            {
                throw state.Error("The document has no root element.");
            }

            PlistNode root;
            if (reader.LocalName == "plist")
            {
                if (reader.IsEmptyElement)
                {
                    throw state.Error("The <plist> element is empty.");
                }

                reader.Read();
                state.MoveToElementOrEnd();
                if (reader.NodeType != XmlNodeType.Element)
                {
                    throw state.Error("The <plist> element holds no value.");
                }

                root = state.ReadValue(0);
                state.MoveToElementOrEnd();
                if (reader.NodeType != XmlNodeType.EndElement)
                {
                    throw state.Error("The <plist> element holds more than one value.");
                }
            }
            else
            {
                root = state.ReadValue(0);
            }

            return root;
        }
        catch (XmlException e)
        {
            throw new PlistFormatException($"Malformed XML plist at line {e.LineNumber}, column {e.LinePosition}: {e.Message}", -1, e);
        }
        catch (InvalidOperationException e)
        {
            throw new PlistFormatException($"Malformed XML plist: {e.Message}", -1, e);
        }
    }

    private sealed class State(XmlReader reader, PlistReaderOptions options)
    {
        private long _elements;

        public PlistFormatException Error(string message) =>
            reader is IXmlLineInfo info && info.HasLineInfo()
                ? new PlistFormatException($"{message} (XML line {info.LineNumber}, column {info.LinePosition})", -1)
                : new PlistFormatException(message, -1);

        /// <summary>Skips whitespace and text-free nodes until an element start or end.</summary>
        public void MoveToElementOrEnd()
        {
            while (true)
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                    case XmlNodeType.EndElement:
                        return;
                    case XmlNodeType.Whitespace:
                    case XmlNodeType.SignificantWhitespace:
                    case XmlNodeType.Comment:
                    case XmlNodeType.ProcessingInstruction:
                    case XmlNodeType.XmlDeclaration:
                    case XmlNodeType.DocumentType:
                        if (!reader.Read())
                        {
                            throw Error("The XML ends inside the plist.");
                        }

                        break;
                    case XmlNodeType.None:
                        throw Error("The XML ends inside the plist.");
                    default:
                        throw Error($"Unexpected {reader.NodeType} content.");
                }
            }
        }

        /// <summary>Reads the value whose start tag is current, leaving the reader after its end tag.</summary>
        public PlistNode ReadValue(int depth)
        {
            if (++_elements > options.MaxObjectCount)
            {
                throw Error($"The plist has more than {options.MaxObjectCount} values.");
            }

            var name = reader.LocalName;
            switch (name)
            {
                case "dict":
                    return ReadDictionary(depth);
                case "array":
                    return ReadArray(depth);
                case "string":
                    return new PlistString(ReadText());
                case "integer":
                    return new PlistInteger(ParseInteger(ReadText().Trim()));
                case "real":
                    return new PlistReal(ParseReal(ReadText().Trim()));
                case "true":
                    ReadText();
                    return PlistBoolean.True;
                case "false":
                    ReadText();
                    return PlistBoolean.False;
                case "date":
                    return new PlistDate(ParseDate(ReadText().Trim()));
                case "data":
                    return new PlistData(ParseData(ReadText()));
                default:
                    throw Error($"Unknown plist element <{name}>.");
            }
        }

        private string ReadText()
        {
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return string.Empty;
            }

            return reader.ReadElementContentAsString();
        }

        private void CheckDepth(int depth)
        {
            if (depth >= options.MaxDepth || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
            {
                throw Error($"Containers are nested deeper than {options.MaxDepth}.");
            }
        }

        private PlistNode ReadDictionary(int depth)
        {
            CheckDepth(depth);
            var dict = new PlistDictionary();
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return dict;
            }

            reader.Read();
            while (true)
            {
                MoveToElementOrEnd();
                if (reader.NodeType == XmlNodeType.EndElement)
                {
                    reader.Read();
                    break;
                }

                if (reader.LocalName != "key")
                {
                    throw Error($"Expected <key> in <dict>, found <{reader.LocalName}>.");
                }

                var key = ReadText();
                MoveToElementOrEnd();
                if (reader.NodeType != XmlNodeType.Element)
                {
                    throw Error($"The key '{key}' has no value.");
                }

                var value = ReadValue(depth + 1);
                if (!dict.TryAdd(key, value))
                {
                    throw Error($"Dictionary key '{key}' appears twice.");
                }
            }

            if (dict.Count == 1 && dict.Get<PlistInteger>("CF$UID") is { } uid)
            {
                if (uid.Value < 0 || uid.Value > ulong.MaxValue)
                {
                    throw Error($"The CF$UID {uid.Value} is out of range.");
                }

                return new PlistUid((ulong)uid.Value);
            }

            return dict;
        }

        private PlistArray ReadArray(int depth)
        {
            CheckDepth(depth);
            var array = new PlistArray();
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return array;
            }

            reader.Read();
            while (true)
            {
                MoveToElementOrEnd();
                if (reader.NodeType == XmlNodeType.EndElement)
                {
                    reader.Read();
                    return array;
                }

                array.Add(ReadValue(depth + 1));
            }
        }

        private Int128 ParseInteger(string text)
        {
            var negative = text.StartsWith('-');
            var body = negative || text.StartsWith('+') ? text[1..] : text;
            Int128 value = 0;
            bool ok;
            if (body.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                ok = UInt128.TryParse(body.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) && hex <= (UInt128)Int128.MaxValue;
                value = ok ? (Int128)hex : 0;
            }
            else
            {
                ok = body.Length > 0 && !body.StartsWith('-') && !body.StartsWith('+') && Int128.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out value);
            }

            if (!ok)
            {
                throw Error($"'{Shorten(text)}' is not an integer the plist can hold.");
            }

            return negative ? -value : value;
        }

        private double ParseReal(string text)
        {
            switch (text.ToLowerInvariant())
            {
                case "nan":
                    return double.NaN;
                case "inf" or "+inf" or "infinity" or "+infinity":
                    return double.PositiveInfinity;
                case "-inf" or "-infinity":
                    return double.NegativeInfinity;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw Error($"'{Shorten(text)}' is not a real number.");
            }

            return value;
        }

        private DateTimeOffset ParseDate(string text)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
                || !PlistDate.IsRepresentable(new PlistDate(value).SecondsSinceAppleEpoch))
            {
                throw Error($"'{Shorten(text)}' is not an ISO 8601 date.");
            }

            return value;
        }

        private byte[] ParseData(string text)
        {
            var compact = new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray());
            try
            {
                return Convert.FromBase64String(compact);
            }
            catch (FormatException e)
            {
                throw new PlistFormatException($"The <data> is not valid base64: {e.Message} (XML line {(reader as IXmlLineInfo)?.LineNumber})", -1, e);
            }
        }

        private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
    }
}
