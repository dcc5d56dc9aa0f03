using System.Globalization;
using Keepsake.Export.Messages.TypedStream;
using Keepsake.Plist;

namespace Keepsake.Export.Messages;

/// <summary>
/// Edits and unsends of one message, from <c>message_summary_info</c>: a plain binary plist whose
/// <c>ec</c> maps a part index (as a string) to its versions <c>{t: typedstream body, d: seconds since
/// 2001 (a real), bcg: optional GUID}</c>, oldest first; <c>rp</c> lists unsent parts; <c>otr</c> has one
/// key per body part. See docs/design/exporters.md, "Edits and unsends".
/// </summary>
public sealed record EditHistory(IReadOnlyList<MessageEdit> Edits, IReadOnlyList<int> UnsentParts, bool IsFullyUnsent, string? Diagnostic = null)
{
    /// <summary>No edits, nothing unsent.</summary>
    public static EditHistory None { get; } = new([], [], false);

    /// <summary>Parses a message_summary_info blob. Null or empty → <see cref="None"/>; a malformed one → <see cref="None"/> with a <see cref="Diagnostic"/>.</summary>
    public static EditHistory Parse(byte[]? blob)
    {
        if (blob is null || blob.Length == 0)
        {
            return None;
        }

        PlistDictionary root;
        try
        {
            if (PlistReader.Read(blob) is not PlistDictionary dictionary)
            {
                return None with { Diagnostic = "message_summary_info is not a dictionary" };
            }

            root = dictionary;
        }
        catch (Exception ex) when (ex is PlistFormatException or OverflowException or InvalidCastException)
        {
            return None with { Diagnostic = $"message_summary_info could not be read ({ex.Message})" };
        }

        var edits = new List<MessageEdit>();
        if (root.TryGetValue("ec", out var ec) && ec is PlistDictionary parts)
        {
            foreach (var (key, value) in parts)
            {
                if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var part) || value is not PlistArray history)
                {
                    continue;
                }

                var versions = new List<EditedVersion>();
                foreach (var item in history)
                {
                    if (item is not PlistDictionary version)
                    {
                        continue;
                    }

                    DateTimeOffset? date = version.TryGetValue("d", out var d) ? d switch
                    {
                        PlistReal r => AppleTime.FromCoreData(r.Value),
                        PlistInteger i => AppleTime.FromCoreData((double)i.Value),
                        _ => null,
                    } : null;
                    var text = version.TryGetValue("t", out var t) && t is PlistData data
                        ? AttributedBodyDecoder.TryDecode(data.Value, out var body, out var error) ? body!.PlainText : $"(undecodable: {error})"
                        : string.Empty;
                    versions.Add(new EditedVersion(date, text));
                }

                if (versions.Count > 0)
                {
                    edits.Add(new MessageEdit(part, versions));
                }
            }
        }

        var unsent = new List<int>();
        if (root.TryGetValue("rp", out var rp) && rp is PlistArray retracted)
        {
            foreach (var item in retracted)
            {
                if (item is PlistInteger i && i.Value >= 0 && i.Value <= int.MaxValue)
                {
                    unsent.Add((int)i.Value);
                }
            }
        }

        var partCount = root.TryGetValue("otr", out var otr) && otr is PlistDictionary ranges ? ranges.Count : 0;
        var fullyUnsent = unsent.Count > 0 && (partCount == 0 || unsent.Distinct().Count() >= partCount);
        edits.Sort((a, b) => a.Part.CompareTo(b.Part));
        unsent.Sort();
        return new EditHistory(edits, unsent, fullyUnsent);
    }
}
