using System.Text;
using Keepsake.Repository.Internal;

namespace Keepsake.Repository.Tests.Internal;

public sealed class ZstdTests
{
    [Fact]
    public void IsNative_OnDebian_UsesSystemLibzstd()
    {
        // libzstd1 is part of every Debian system (dpkg needs it).
        // KEEPSAKE_ZSTD=managed turns it off (to test the fallback).
        if (OperatingSystem.IsLinux() && File.Exists("/etc/debian_version") && Environment.GetEnvironmentVariable("KEEPSAKE_ZSTD") != "managed")
        {
            Assert.True(Zstd.IsNative, "the system libzstd was not loaded");
        }
    }

    [NativeTheory(NativeLibrary.Zstd)]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(3 * 1024 * 1024)]
    public void Compress_Native_ManagedPortDecompressesIt_AndViceVersa(int length)
    {
        var data = Text(length, seed: length);
        var native = Zstd.Compress(data, 3);
        Assert.True(length < 1000 || native.Length < length / 2, "text should compress");
        using (var managedDecompressor = new ZstdSharp.Decompressor())
        {
            Assert.Equal(data, managedDecompressor.Unwrap(native).ToArray());
        }

        using var managedCompressor = new ZstdSharp.Compressor(3);
        var managed = managedCompressor.Wrap(data).ToArray();
        Assert.Equal(data, Zstd.Decompress(managed, length));
        Assert.Equal(data, Zstd.DecompressUnknown(managed, length + 1));
    }

    [Fact]
    public void TryDecompress_TruncatedOrWrongLength_ReturnsFalseOrNull()
    {
        var data = Text(200_000, seed: 1);
        var compressed = Zstd.Compress(data, 3);
        Assert.False(Zstd.TryDecompress(compressed, new byte[data.Length - 1]));
        Assert.False(Zstd.TryDecompress(compressed, new byte[data.Length + 1]));
        // Without a checksum a flipped byte may decompress to other bytes (the blob's SHA-256 catches
        // that); a truncated frame never decompresses.
        Assert.Null(Zstd.Decompress(compressed.AsSpan(0, compressed.Length / 2), data.Length));
        Assert.Null(Zstd.DecompressUnknown(compressed, data.Length - 1));
        Assert.Null(Zstd.DecompressUnknown("not zstd at all"u8, 1000));
    }

    private static byte[] Text(int length, int seed)
    {
        var random = new Random(seed);
        var sb = new StringBuilder(length + 32);
        while (sb.Length < length)
        {
            sb.Append("row ").Append(random.Next(1000)).Append(" message read ").Append(random.Next(50)).Append('\n');
        }

        return Encoding.ASCII.GetBytes(sb.ToString(0, length));
    }
}
