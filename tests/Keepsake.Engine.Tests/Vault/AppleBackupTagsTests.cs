using Keepsake.BackupFormat;
using Keepsake.Engine.Vault;

namespace Keepsake.Engine.Tests.Vault;

public sealed class AppleBackupTagsTests
{
    [Fact]
    public void For_ModelWithComma_StoredWithoutCommaAndReadBack()
    {
        var tags = AppleBackupTags.For(new BackupProperties { ProductType = "iPhone9,3", DeviceName = "Ann's 100% phone" });
        Assert.Contains("model=iPhone9%2C3", tags);
        Assert.Contains("device=Ann's 100%25 phone", tags);
        Assert.All(tags, t => Assert.DoesNotContain(',', t));
        Assert.Equal("model=iPhone9,3", AppleBackupTags.Display("model=iPhone9%2C3"));
        Assert.Equal("device=Ann's 100% phone", AppleBackupTags.Display("device=Ann's 100%25 phone"));
    }

    [Theory]
    [InlineData("iPhone9,3")]
    [InlineData("a%2Cb,c%")]
    [InlineData("%")]
    [InlineData("plain")]
    public void Decode_Encoded_RoundTrips(string value)
    {
        Assert.Equal(value, AppleBackupTags.Decode(AppleBackupTags.Encode(value)));
    }

    [Fact]
    public void Decode_OtherPercentSequence_KeptAsIs()
    {
        Assert.Equal("100%41", AppleBackupTags.Decode("100%41"));
    }
}
