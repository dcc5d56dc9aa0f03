using System.Net;

namespace Keepsake.Service.Tests;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("localhost:7000", "127.0.0.1", 7000)]
    [InlineData("127.0.0.1", "127.0.0.1", ServeOptions.DefaultPort)]
    [InlineData(":9000", "127.0.0.1", 9000)]
    [InlineData("[::1]:7466", "::1", 7466)]
    [InlineData("127.1.2.3:0", "127.1.2.3", 0)]
    public void Parse_LoopbackForms_GiveTheEndpoint(string text, string address, int port)
    {
        var endPoint = ListenAddress.Parse(text);
        Assert.Equal(IPAddress.Parse(address), endPoint.Address);
        Assert.Equal(port, endPoint.Port);
    }

    [Theory]
    [InlineData("0.0.0.0:7466", "not a loopback address")]
    [InlineData("192.168.1.5:7466", "not a loopback address")]
    [InlineData("[::]:7466", "not a loopback address")]
    [InlineData("example.com:7466", "not an IP address")]
    [InlineData("127.0.0.1:99999", "not a port number")]
    [InlineData("127.0.0.1:http", "not a port number")]
    [InlineData("::1:7466", "in brackets")]
    public void Parse_NonLoopbackOrMalformed_ThrowsNamingTheOption(string text, string why)
    {
        var e = Assert.Throws<ServeConfigurationException>(() => ListenAddress.Parse(text));
        Assert.Equal("--listen", e.Field);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
    }
}
