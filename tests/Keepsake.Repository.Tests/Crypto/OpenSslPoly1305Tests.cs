using Keepsake.Repository.Crypto;
using Keepsake.TestKit;
using Org.BouncyCastle.Crypto.Parameters;

namespace Keepsake.Repository.Tests.Crypto;

public sealed class OpenSslPoly1305Tests
{
    [Fact]
    public void IsAvailable_OnLinux_LoadsOpenSsl3()
    {
        // .NET on Linux needs OpenSSL itself; the vault's MAC should use it rather than the managed fallback.
        // KEEPSAKE_POLY1305=managed turns it off (to test the fallback).
        if (OperatingSystem.IsLinux() && ExternalTool.Find("openssl") is not null && Environment.GetEnvironmentVariable("KEEPSAKE_POLY1305") != "managed")
        {
            Assert.True(OpenSslPoly1305.IsAvailable, "libcrypto.so.3 with EVP_MAC POLY1305 was not found");
        }
    }

    [NativeTheory(NativeLibrary.Poly1305)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(1000)]
    [InlineData(1 << 20)]
    public void TryCompute_RandomKeysAndMessages_MatchesBouncyCastle(int length)
    {
        var random = new Random(length);
        for (var round = 0; round < 20; round++)
        {
            var key = new byte[32];
            var message = new byte[length];
            random.NextBytes(key);
            random.NextBytes(message);
            if (round == 1)
            {
                // All-ones key and message exercise the carries and the final reduction.
                key.AsSpan().Fill(0xff);
                message.AsSpan().Fill(0xff);
            }

            var ours = new byte[16];
            Assert.True(OpenSslPoly1305.TryCompute(key, message, ours));
            var reference = new Org.BouncyCastle.Crypto.Macs.Poly1305();
            reference.Init(new KeyParameter(key));
            reference.BlockUpdate(message);
            var expected = new byte[16];
            reference.DoFinal(expected);
            Assert.Equal(expected, ours);
        }
    }
}
