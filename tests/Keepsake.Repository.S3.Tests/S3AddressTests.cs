namespace Keepsake.Repository.S3.Tests;

public sealed class S3AddressTests
{
    [Theory]
    [InlineData("s3:http://127.0.0.1:7480/bucket", "http://127.0.0.1:7480/", "bucket", "")]
    [InlineData("s3:https://minio.example.org/family-vault/keepsake/phones/", "https://minio.example.org/", "family-vault", "keepsake/phones")]
    [InlineData("s3:s3.amazonaws.com/bucket/prefix", "https://s3.amazonaws.com/", "bucket", "prefix")]
    [InlineData("S3:HTTP://HOST:9000/b-1.x", "http://host:9000/", "b-1.x", "")]
    public void Parse_ResticForms_GiveEndpointBucketPrefix(string address, string endpoint, string bucket, string prefix)
    {
        var parsed = S3Address.Parse(address);
        Assert.Equal(new Uri(endpoint), parsed.Endpoint);
        Assert.Equal(bucket, parsed.Bucket);
        Assert.Equal(prefix, parsed.Prefix);
    }

    [Fact]
    public void Parse_AwsHosts_AreAwsWithTheirRegion()
    {
        Assert.True(S3Address.Parse("s3:s3.amazonaws.com/bucket").IsAws);
        Assert.Null(S3Address.Parse("s3:s3.amazonaws.com/bucket").HostRegion);
        Assert.Equal("eu-west-1", S3Address.Parse("s3:s3.eu-west-1.amazonaws.com/bucket").HostRegion);
        Assert.False(S3Address.Parse("s3:http://127.0.0.1:7480/bucket").IsAws);
    }

    [Theory]
    [InlineData("s3:")]
    [InlineData("s3:http://127.0.0.1:7480")]
    [InlineData("s3:http://127.0.0.1:7480/")]
    [InlineData("s3:http://127.0.0.1/UPPER")]
    [InlineData("s3:http://127.0.0.1/ab")]
    [InlineData("s3:http://127.0.0.1/bucket/../up")]
    [InlineData("s3:http://127.0.0.1/bucket?x=1")]
    [InlineData("sftp:host:/path")]
    public void Parse_Invalid_ThrowsFormatException(string address) =>
        Assert.Throws<FormatException>(() => S3Address.Parse(address));

    [Fact]
    public void Parse_CredentialsInAddress_RefusedWithoutEchoingThem()
    {
        var e = Assert.Throws<FormatException>(() => S3Address.Parse("s3:http://AKIAEXAMPLE:supersecret@127.0.0.1:7480/bucket"));
        Assert.DoesNotContain("supersecret", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAEXAMPLE", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_IsResticFormAndRoundTrips()
    {
        const string address = "s3:http://127.0.0.1:7480/bucket/a/b";
        Assert.Equal(address, S3Address.Parse(address).ToString());
        Assert.Equal("s3:https://s3.amazonaws.com/bucket/prefix", S3Address.Parse("s3:s3.amazonaws.com/bucket/prefix").ToString());
    }
}
