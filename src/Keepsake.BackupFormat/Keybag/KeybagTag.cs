using System.Buffers.Binary;
using System.Text;

namespace Keepsake.BackupFormat.Keybag;

/// <summary>One TLV record of a keybag: a 4-character ASCII tag and its value bytes.</summary>
public sealed record KeybagTag(string Name, byte[] Value)
{
    /// <summary>The value as a big-endian uint32 when it is exactly 4 bytes, else null.</summary>
    public uint? UInt32Value => Value.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(Value) : null;

    /// <summary>A tag holding a big-endian uint32.</summary>
    public static KeybagTag FromUInt32(string name, uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new KeybagTag(name, bytes);
    }

    /// <summary>Tag names are 4 ASCII characters.</summary>
    internal static string NameOf(ReadOnlySpan<byte> tag) => Encoding.ASCII.GetString(tag);

    /// <inheritdoc />
    public override string ToString() => Name is "WPKY" or "SALT" or "DPSL" or "HMCK" ? $"{Name} <{Value.Length} bytes>" : $"{Name} {UInt32Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Convert.ToHexString(Value)}";
}
