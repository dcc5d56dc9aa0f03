using System.Text;

namespace Keepsake.Export.Tests.Messages.TypedStream;

/// <summary>Builds small typedstream blobs byte by byte, following the worked example of docs/design/exporters.md.</summary>
internal static class TestBlobs
{
    public static byte[] TextOnly(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var units = text.Length;
        var b = new List<byte> { 0x04, 0x0B };
        b.AddRange("streamtyped"u8.ToArray());
        b.AddRange(new byte[] { 0x81, 0xE8, 0x03 });
        b.AddRange(new byte[] { 0x84, 0x01, (byte)'@', 0x84 });
        AddNewClass(b, "NSMutableAttributedString", 0);
        AddNewClass(b, "NSAttributedString", 0);
        AddNewClass(b, "NSObject", 0);
        b.Add(0x85);
        b.AddRange(new byte[] { 0x92, 0x84 });
        AddNewClass(b, "NSMutableString", 1);
        AddNewClass(b, "NSString", 1);
        b.Add(0x95); // superclass = object ref 3 (NSObject)
        b.AddRange(new byte[] { 0x84, 0x01, (byte)'+' });
        AddLength(b, utf8.Length);
        b.AddRange(utf8);
        b.Add(0x86);
        b.AddRange(new byte[] { 0x84, 0x02, (byte)'i', (byte)'I', 0x01 });
        AddLength(b, units);
        b.AddRange(new byte[] { 0x92, 0x84 });
        AddNewClass(b, "NSDictionary", 0);
        b.Add(0x95);
        b.AddRange(new byte[] { 0x84, 0x01, (byte)'i', 0x00 }); // empty dictionary
        b.Add(0x86);
        b.Add(0x86);
        return [.. b];
    }

    private static void AddNewClass(List<byte> b, string name, byte version)
    {
        b.Add(0x84);
        b.Add(0x84);
        b.Add((byte)name.Length);
        b.AddRange(Encoding.ASCII.GetBytes(name));
        b.Add(version);
    }

    private static void AddLength(List<byte> b, int length)
    {
        if (length < 0x80)
        {
            b.Add((byte)length);
        }
        else
        {
            b.Add(0x81);
            b.Add((byte)length);
            b.Add((byte)(length >> 8));
        }
    }
}
