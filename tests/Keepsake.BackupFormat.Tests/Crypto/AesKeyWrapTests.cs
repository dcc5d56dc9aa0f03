using Keepsake.BackupFormat.Crypto;

namespace Keepsake.BackupFormat.Tests.Crypto;

public sealed class AesKeyWrapTests
{
    // RFC 3394 section 4.6: 256 bits of key data with a 256-bit KEK.
    private static readonly byte[] Kek = Convert.FromHexString("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
    private static readonly byte[] KeyData = Convert.FromHexString("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F");
    private static readonly byte[] Wrapped = Convert.FromHexString("28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21");

    [Fact]
    public void Wrap_Rfc3394Vector_MatchesPublishedCiphertext()
    {
        Assert.Equal(Wrapped, AesKeyWrap.Wrap(Kek, KeyData));
    }

    [Fact]
    public void Unwrap_Rfc3394Vector_ReturnsKeyData()
    {
        Assert.Equal(KeyData, AesKeyWrap.Unwrap(Kek, Wrapped));
    }

    [Fact]
    public void Unwrap_Rfc3394Vector128_ReturnsKeyData()
    {
        // RFC 3394 section 4.1: 128 bits of key data with a 128-bit KEK.
        var kek = Convert.FromHexString("000102030405060708090A0B0C0D0E0F");
        var wrapped = Convert.FromHexString("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5");
        Assert.Equal(Convert.FromHexString("00112233445566778899AABBCCDDEEFF"), AesKeyWrap.Unwrap(kek, wrapped));
    }

    [Fact]
    public void Unwrap_TamperedInput_FailsIntegrityCheck()
    {
        var tampered = (byte[])Wrapped.Clone();
        tampered[20] ^= 1;
        var key = new byte[32];
        Assert.False(AesKeyWrap.TryUnwrap(Kek, tampered, key));
        Assert.All(key, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Unwrap_WrongKek_ReturnsNull()
    {
        var kek = (byte[])Kek.Clone();
        kek[0] ^= 0x80;
        Assert.Null(AesKeyWrap.Unwrap(kek, Wrapped));
    }

    [Fact]
    public void Wrap_BadLengths_ThrowArgumentException()
    {
        Assert.Throws<ArgumentException>(() => AesKeyWrap.Wrap(Kek, new byte[15]));
        Assert.Throws<ArgumentException>(() => AesKeyWrap.Wrap(new byte[7], KeyData));
        Assert.Throws<ArgumentException>(() => AesKeyWrap.Unwrap(Kek, new byte[41]));
    }
}
