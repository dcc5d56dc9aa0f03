using Keepsake.Repository.Crypto;

namespace Keepsake.Repository.Tests.Crypto;

public sealed class MasterKeyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(100_000)]
    public void Seal_ThenOpen_RoundTrips(int size)
    {
        using var key = MasterKey.CreateRandom();
        var plain = new byte[size];
        new Random(size).NextBytes(plain);
        var sealedBytes = key.Seal(plain);
        Assert.Equal(size + 32, sealedBytes.Length);
        Assert.Equal(plain, key.Open(sealedBytes));
    }

    [Fact]
    public void Open_FlippedByte_ReturnsNull()
    {
        using var key = MasterKey.CreateRandom();
        var sealedBytes = key.Seal("hello world"u8);
        for (var i = 0; i < sealedBytes.Length; i++)
        {
            var copy = (byte[])sealedBytes.Clone();
            copy[i] ^= 0x01;
            Assert.Null(key.Open(copy));
        }
    }

    [Fact]
    public void Open_OtherKey_ReturnsNull()
    {
        using var a = MasterKey.CreateRandom();
        using var b = MasterKey.CreateRandom();
        Assert.Null(b.Open(a.Seal("secret"u8)));
        Assert.Null(a.Open(new byte[10]));
    }

    [Fact]
    public void Constructor_WrongLengths_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => new MasterKey(new byte[31], new byte[16], new byte[16]));

    [Fact]
    public void Seal_SamePlaintextTwice_DiffersByIv()
    {
        using var key = MasterKey.CreateRandom();
        Assert.NotEqual(key.Seal("x"u8), key.Seal("x"u8));
    }
}
