using Keepsake.Plist;

namespace Keepsake.Device.Transport;

/// <summary>The one place that turns plist values into bytes and back for every device channel.</summary>
internal static class PlistCodec
{
    public static byte[] Encode(PlistNode node, ServicePlistFormat format) =>
        format == ServicePlistFormat.Binary ? PlistWriter.ToBinary(node) : PlistWriter.ToXml(node);

    public static PlistNode Decode(ReadOnlySpan<byte> bytes) => PlistReader.Read(bytes);
}
