using System.Security.Cryptography;
using Keepsake.BackupFormat.Crypto;

namespace Keepsake.BackupFormat.Tests.Crypto;

public sealed class CbcDecryptingStreamTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public static TheoryData<int> Sizes => new() { 0, 1, 15, 16, 17, 31, 32, 33, 1000, 4096, 70_000 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Read_EveryReadSize_ReturnsPlaintext(int size)
    {
        var plain = RandomNumberGenerator.GetBytes(size);
        var cipher = Encrypt(plain);
        foreach (var readSize in new[] { 1, 2, 7, 16, 17, 100, 4096, 16_389, 1 << 20 })
        {
            using var stream = new CbcDecryptingStream(new MemoryStream(cipher), Key, bufferSize: 64);
            Assert.Equal(plain, ReadAll(stream, readSize));
        }
    }

    [Theory]
    [InlineData(256 * 1024 - 16)]
    [InlineData(256 * 1024)]
    [InlineData(3 * 1024 * 1024 + 48)]
    public void Read_LargeReadsOnTwoCores_SamePlaintextAsOneCore(int size)
    {
        var plain = RandomNumberGenerator.GetBytes(size);
        var cipher = Encrypt(plain);
        foreach (var readSize in new[] { 256 * 1024, 256 * 1024 + 17, 1 << 20, 4 << 20 })
        {
            using var twoCores = new CbcDecryptingStream(new MemoryStream(cipher), Key);
            using var oneCore = new CbcDecryptingStream(new MemoryStream(cipher), Key, useTwoCores: false);
            Assert.Equal(plain, ReadAll(twoCores, readSize));
            Assert.Equal(plain, ReadAll(oneCore, readSize));
        }
    }

    [Fact]
    public void Read_SpanAndArrayOverloads_AgreeWithOpenSslCbc()
    {
        var plain = RandomNumberGenerator.GetBytes(300_001);
        var cipher = Encrypt(plain);
        using var stream = new CbcDecryptingStream(new MemoryStream(cipher), Key);
        var output = new MemoryStream();
        var buffer = new byte[40_000];
        var toggle = false;
        int n;
        // Alternate small (buffered path) and large (decrypt-in-place path) reads.
        while ((n = toggle ? stream.Read(buffer.AsSpan(0, 20_011)) : stream.Read(buffer, 0, 777)) > 0)
        {
            output.Write(buffer, 0, n);
            toggle = !toggle;
        }

        Assert.Equal(plain, output.ToArray());
        Assert.Equal(0, stream.Read(buffer));
    }

    [Fact]
    public void Properties_ReadOnlyForwardOnly()
    {
        using var stream = new CbcDecryptingStream(new MemoryStream(Encrypt([1, 2, 3])), Key);
        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Position);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.Write(new byte[1], 0, 1));
        Assert.Throws<NotSupportedException>(() => stream.SetLength(1));
        Assert.Equal(0, stream.Read(Array.Empty<byte>(), 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Read(new byte[4], 3, 2));
    }

    [Fact]
    public void Dispose_ClosesInnerUnlessLeaveOpen_AndRefusesReads()
    {
        var inner = new MemoryStream(Encrypt([1, 2, 3]));
        var stream = new CbcDecryptingStream(inner, Key, leaveOpen: true);
        stream.Dispose();
        stream.Dispose();
        Assert.True(inner.CanRead);
        Assert.False(stream.CanRead);
        Assert.Throws<ObjectDisposedException>(() => stream.ReadByte());

        var closed = new MemoryStream(Encrypt([1, 2, 3]));
        new CbcDecryptingStream(closed, Key).Dispose();
        Assert.False(closed.CanRead);
    }

    [Fact]
    public async Task ReadAsync_ReturnsPlaintext()
    {
        var plain = RandomNumberGenerator.GetBytes(5000);
        await using var stream = new CbcDecryptingStream(new MemoryStream(Encrypt(plain)), Key);
        var output = new MemoryStream();
        await stream.CopyToAsync(output);
        Assert.Equal(plain, output.ToArray());
    }

    [Fact]
    public void Read_LengthNotMultipleOf16_ThrowsCorruptBlobNamingEntry()
    {
        var cipher = Encrypt(new byte[100]);
        using var stream = new CbcDecryptingStream(new MemoryStream(cipher[..^3]), Key, name: "HomeDomain/x.db");
        var e = Assert.Throws<BackupFormatException>(() => ReadAll(stream, 4096));
        Assert.Equal(BackupFormatError.CorruptBlob, e.Error);
        Assert.Equal("HomeDomain/x.db", e.Path);
    }

    [Fact]
    public void Read_WrongKey_ThrowsCorruptBlobForPadding()
    {
        var cipher = Encrypt(new byte[100]);
        var wrongKey = (byte[])Key.Clone();
        wrongKey[0] ^= 1;
        // A wrong key yields valid-looking padding with probability about 1/256; this fixed key does not.
        using var stream = new CbcDecryptingStream(new MemoryStream(cipher), wrongKey, name: "e");
        var e = Assert.Throws<BackupFormatException>(() => ReadAll(stream, 4096));
        Assert.Equal(BackupFormatError.CorruptBlob, e.Error);
    }

    [Fact]
    public void EncryptingStream_RoundTripsThroughDecryptingStream()
    {
        foreach (var size in new[] { 0, 1, 16, 262_144, 262_145, 600_000 })
        {
            var plain = RandomNumberGenerator.GetBytes(size);
            var sink = new MemoryStream();
            using (var enc = new CbcEncryptingStream(sink, Key, leaveOpen: true))
            {
                enc.Write(plain.AsSpan(0, size / 3));
                enc.Write(plain.AsSpan(size / 3));
                Assert.Equal(size, enc.PlaintextLength);
            }

            Assert.Equal(Encrypt(plain), sink.ToArray());
            sink.Position = 0;
            using var dec = new CbcDecryptingStream(sink, Key);
            Assert.Equal(plain, ReadAll(dec, 8192));
        }
    }

    private static byte[] Encrypt(byte[] plain)
    {
        using var aes = Aes.Create();
        aes.Key = Key;
        return aes.EncryptCbc(plain, new byte[16], PaddingMode.PKCS7);
    }

    private static byte[] ReadAll(Stream stream, int readSize)
    {
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = stream.Read(buffer, 0, readSize)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }
}
