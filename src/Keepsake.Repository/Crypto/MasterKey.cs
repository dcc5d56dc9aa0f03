using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Keepsake.Repository.Crypto;

/// <summary>
/// A restic key: 32 bytes for AES-256-CTR encryption and 32 bytes for Poly1305-AES
/// (<c>k</c>, a 16-byte AES-128 key that encrypts the nonce, and <c>r</c>, the 16-byte Poly1305
/// key, clamped as the Poly1305 rules require). Sealed data is
/// <c>IV(16) ‖ AES-256-CTR(plaintext) ‖ Poly1305-AES(ciphertext)(16)</c>; the IV is also the MAC
/// nonce. See docs/design/repository-format.md, "Encryption".
/// Thread-safe: each call uses its own cipher instances.
/// </summary>
public sealed class MasterKey : IDisposable
{
    /// <summary>Bytes added by <see cref="Seal(ReadOnlySpan{byte})"/>: IV + MAC.</summary>
    public const int Overhead = IvSize + MacSize;

    internal const int IvSize = 16;
    internal const int MacSize = 16;

    private readonly byte[] _encryptionKey;
    private readonly byte[] _macK;
    private readonly byte[] _macR;
    private readonly ThreadLocal<Aes> _aes;
    private readonly ThreadLocal<Aes> _macAes;

    /// <summary>Creates a key from its three parts (copied).</summary>
    public MasterKey(ReadOnlySpan<byte> encryptionKey, ReadOnlySpan<byte> macK, ReadOnlySpan<byte> macR)
    {
        if (encryptionKey.Length != 32 || macK.Length != 16 || macR.Length != 16)
        {
            throw new ArgumentException("A key has a 32-byte encryption key and 16-byte MAC keys k and r.");
        }

        if (encryptionKey.IndexOfAnyExcept((byte)0) < 0 || macK.IndexOfAnyExcept((byte)0) < 0 || macR.IndexOfAnyExcept((byte)0) < 0)
        {
            throw new ArgumentException("A key part is all zeros.");
        }

        _encryptionKey = encryptionKey.ToArray();
        _macK = macK.ToArray();
        _macR = macR.ToArray();
        _aes = new ThreadLocal<Aes>(() => CreateAes(_encryptionKey), trackAllValues: true);
        _macAes = new ThreadLocal<Aes>(() => CreateAes(_macK), trackAllValues: true);
    }

    /// <summary>A fresh random key.</summary>
    public static MasterKey CreateRandom() =>
        new(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(16));

    internal ReadOnlySpan<byte> EncryptionKey => _encryptionKey;

    internal ReadOnlySpan<byte> MacK => _macK;

    internal ReadOnlySpan<byte> MacR => _macR;

    /// <summary>The sealed length of <paramref name="plaintextLength"/> bytes.</summary>
    public static int SealedLength(int plaintextLength) => plaintextLength + Overhead;

    /// <summary>Encrypts and authenticates with a fresh random IV: IV ‖ ciphertext ‖ MAC.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[SealedLength(plaintext.Length)];
        Seal(plaintext, output);
        return output;
    }

    /// <summary>Seals into <paramref name="destination"/>, which must hold <see cref="SealedLength"/> bytes.</summary>
    public void Seal(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        if (destination.Length < SealedLength(plaintext.Length))
        {
            throw new ArgumentException("The destination is too short.", nameof(destination));
        }

        var iv = destination[..IvSize];
        do
        {
            RandomNumberGenerator.Fill(iv);
        }
        while (iv.IndexOfAnyExcept((byte)0) < 0);

        var ciphertext = destination.Slice(IvSize, plaintext.Length);
        AesCtr.Transform(_aes.Value!, iv, plaintext, ciphertext);
        ComputeMac(iv, ciphertext, destination.Slice(IvSize + plaintext.Length, MacSize));
    }

    /// <summary>
    /// Checks the MAC and decrypts. Returns false (writing nothing) when the data is too short or
    /// the MAC does not match: wrong key or damaged bytes.
    /// </summary>
    public bool TryOpen(ReadOnlySpan<byte> sealedData, Span<byte> plaintext, out int written)
    {
        written = 0;
        if (sealedData.Length < Overhead)
        {
            return false;
        }

        var length = sealedData.Length - Overhead;
        if (plaintext.Length < length)
        {
            throw new ArgumentException("The plaintext buffer is too short.", nameof(plaintext));
        }

        var iv = sealedData[..IvSize];
        var ciphertext = sealedData.Slice(IvSize, length);
        Span<byte> mac = stackalloc byte[MacSize];
        ComputeMac(iv, ciphertext, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, sealedData[^MacSize..]))
        {
            return false;
        }

        AesCtr.Transform(_aes.Value!, iv, ciphertext, plaintext);
        written = length;
        return true;
    }

    /// <summary>Opens sealed data into a new array, or returns null when the MAC fails.</summary>
    public byte[]? Open(ReadOnlySpan<byte> sealedData)
    {
        if (sealedData.Length < Overhead)
        {
            return null;
        }

        var output = new byte[sealedData.Length - Overhead];
        return TryOpen(sealedData, output, out _) ? output : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var aes in _aes.Values)
        {
            aes.Dispose();
        }

        foreach (var aes in _macAes.Values)
        {
            aes.Dispose();
        }

        _aes.Dispose();
        _macAes.Dispose();
        CryptographicOperations.ZeroMemory(_encryptionKey);
        CryptographicOperations.ZeroMemory(_macK);
        CryptographicOperations.ZeroMemory(_macR);
    }

    private static Aes CreateAes(byte[] key)
    {
        var aes = Aes.Create();
        aes.Key = key;
        return aes;
    }

    private void ComputeMac(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> message, Span<byte> mac)
    {
        // Poly1305-AES: tag = Poly1305_r(message) + AES_k(nonce); BouncyCastle's key is r ‖ s and it clamps r.
        Span<byte> key = stackalloc byte[32];
        _macR.CopyTo(key);
        _macAes.Value!.EncryptEcb(nonce, key[16..], PaddingMode.None);
        try
        {
            if (!OpenSslPoly1305.IsAvailable || !OpenSslPoly1305.TryCompute(key, message, mac))
            {
                var poly = new Poly1305();
                poly.Init(new KeyParameter(key));
                poly.BlockUpdate(message);
                poly.DoFinal(mac);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
