using Keepsake.BackupFormat.Crypto;
using Keepsake.BackupFormat.Keybag;
using Keepsake.BackupFormat.Manifest;
using Keepsake.Primitives;

namespace Keepsake.BackupFormat.Tests;

/// <summary>Caller misuse of each public type raises BCL argument exceptions.</summary>
public sealed class ArgumentValidationTests
{
    [Fact]
    public void PublicApis_BadArguments_ThrowArgumentExceptions()
    {
        var key = new byte[32];
        Assert.Throws<ArgumentNullException>(() => new CbcDecryptingStream(null!, key));
        Assert.Throws<ArgumentException>(() => new CbcDecryptingStream(new MemoryStream(), new byte[7]));
        Assert.Throws<ArgumentException>(() => new CbcDecryptingStream(new MemoryStream(), key, new byte[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CbcDecryptingStream(new MemoryStream(), key, bufferSize: 8));
        Assert.Throws<ArgumentNullException>(() => new CbcEncryptingStream(null!, key));
        Assert.Throws<ArgumentException>(() => new CbcEncryptingStream(new MemoryStream([], writable: false), key));
        Assert.Throws<ArgumentNullException>(() => BackupKeyDerivation.DeriveKek(null!, new byte[20], 1, default, null));
        using (var secret = Secret.FromString("x"))
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => BackupKeyDerivation.DeriveKek(secret, new byte[20], 0, default, null));
        }

        Assert.Throws<ArgumentNullException>(() => BackupKeybag.Create(null!, []));
        Assert.Throws<ArgumentNullException>(() => new ManifestMbdbReader(null!));
        Assert.Throws<ArgumentNullException>(() => ManifestMbdbReader.Open(null!));
        Assert.Throws<ArgumentNullException>(() => new ManifestDbReader(null!));
        Assert.Throws<ArgumentNullException>(() => BackupFileId.Compute(null!, "x"));
        Assert.Throws<ArgumentNullException>(() => BackupLocator.Find(null!).ToList());
        Assert.Throws<ArgumentNullException>(() => CanonicalDecomposition.Decompose(null!));
    }

    [Fact]
    public void BackupFileId_KnownPath_MatchesSpecExample()
    {
        Assert.Equal("3d0d7e5fb2ce288813306e4d4636395e047a3d28", BackupFileId.Compute("HomeDomain", "Library/SMS/sms.db"));
        Assert.Equal(Path.Combine("3d", "3d0d7e5fb2ce288813306e4d4636395e047a3d28"), BackupFileId.BlobPath("3d0d7e5fb2ce288813306e4d4636395e047a3d28", nested: true));
    }
}
