using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Keepsake.BackupFormat.Crypto;

/// <summary>
/// RFC 3394 AES key wrap and unwrap (the default initial value A6A6A6A6A6A6A6A6), as used by the
/// backup keybag, ManifestKey and per-file keys. See docs/design/backup-format.md, "Key wrap".
/// </summary>
public static class AesKeyWrap
{
    /// <summary>The RFC 3394 default integrity value.</summary>
    public const ulong IntegrityValue = 0xA6A6A6A6A6A6A6A6;

    /// <summary>Wraps <paramref name="key"/> (a multiple of 8 bytes, at least 16) under <paramref name="kek"/>; the result is 8 bytes longer.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> key)
    {
        if (key.Length < 16 || key.Length % 8 != 0)
        {
            throw new ArgumentException("The key to wrap must be a multiple of 8 bytes and at least 16 bytes.", nameof(key));
        }

        using var aes = CreateAes(kek);
        var n = key.Length / 8;
        var output = new byte[key.Length + 8];
        key.CopyTo(output.AsSpan(8));
        ulong a = IntegrityValue;
        Span<byte> block = stackalloc byte[16];
        for (var j = 0; j <= 5; j++)
        {
            for (var i = 1; i <= n; i++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(block, a);
                output.AsSpan(i * 8, 8).CopyTo(block[8..]);
                aes.EncryptEcb(block, block, PaddingMode.None);
                a = BinaryPrimitives.ReadUInt64BigEndian(block) ^ (ulong)((n * j) + i);
                block[8..].CopyTo(output.AsSpan(i * 8, 8));
            }
        }

        BinaryPrimitives.WriteUInt64BigEndian(output, a);
        CryptographicOperations.ZeroMemory(block);
        return output;
    }

    /// <summary>
    /// Unwraps <paramref name="wrapped"/> (a multiple of 8 bytes, at least 24) under <paramref name="kek"/> into
    /// <paramref name="key"/> (8 bytes shorter). Returns false, leaving <paramref name="key"/> zeroed,
    /// when the integrity check fails (wrong key-encryption key or damaged input).
    /// </summary>
    public static bool TryUnwrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped, Span<byte> key)
    {
        if (wrapped.Length < 24 || wrapped.Length % 8 != 0)
        {
            throw new ArgumentException("A wrapped key must be a multiple of 8 bytes and at least 24 bytes.", nameof(wrapped));
        }

        if (key.Length != wrapped.Length - 8)
        {
            throw new ArgumentException("The destination must be 8 bytes shorter than the wrapped key.", nameof(key));
        }

        using var aes = CreateAes(kek);
        var n = key.Length / 8;
        wrapped[8..].CopyTo(key);
        var a = BinaryPrimitives.ReadUInt64BigEndian(wrapped);
        Span<byte> block = stackalloc byte[16];
        for (var j = 5; j >= 0; j--)
        {
            for (var i = n; i >= 1; i--)
            {
                BinaryPrimitives.WriteUInt64BigEndian(block, a ^ (ulong)((n * j) + i));
                key.Slice((i - 1) * 8, 8).CopyTo(block[8..]);
                aes.DecryptEcb(block, block, PaddingMode.None);
                a = BinaryPrimitives.ReadUInt64BigEndian(block);
                block[8..].CopyTo(key.Slice((i - 1) * 8, 8));
            }
        }

        CryptographicOperations.ZeroMemory(block);
        if (a != IntegrityValue)
        {
            CryptographicOperations.ZeroMemory(key);
            return false;
        }

        return true;
    }

    /// <summary>Unwraps into a new array, or returns null when the integrity check fails.</summary>
    public static byte[]? Unwrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped)
    {
        var key = new byte[wrapped.Length - 8];
        return TryUnwrap(kek, wrapped, key) ? key : null;
    }

    private static Aes CreateAes(ReadOnlySpan<byte> kek)
    {
        if (kek.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("The key-encryption key must be 16, 24 or 32 bytes.", nameof(kek));
        }

        var aes = Aes.Create();
        aes.SetKey(kek);
        return aes;
    }
}
