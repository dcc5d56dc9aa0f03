using System.Net;
using System.Net.Sockets;
using Keepsake.Device.Usbmux;

namespace Keepsake.Device.Tests.Usbmux;

public sealed class UsbmuxAddressTests
{
    [Theory]
    [InlineData("UNIX:/tmp/x.sock", "/tmp/x.sock")]
    [InlineData("/tmp/y.sock", "/tmp/y.sock")]
    public void Parse_UnixForms_GiveUnixEndPoint(string value, string path)
    {
        var endPoint = Assert.IsType<UnixDomainSocketEndPoint>(UsbmuxAddress.Parse(value));
        Assert.Equal(path, endPoint.ToString());
    }

    [Fact]
    public void Parse_HostPort_GivesTcpEndPoint()
    {
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 27015), UsbmuxAddress.Parse("127.0.0.1:27015"));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 5000), UsbmuxAddress.Parse("[::1]:5000"));
        Assert.IsType<DnsEndPoint>(UsbmuxAddress.Parse("localhost:27015"));
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    public void Parse_Invalid_ThrowsFormatException(string value) =>
        Assert.Throws<FormatException>(() => UsbmuxAddress.Parse(value));

    [Fact]
    public void Format_UnixEndPoint_UsesUnixPrefix() =>
        Assert.Equal("UNIX:/tmp/z.sock", UsbmuxAddress.Format(new UnixDomainSocketEndPoint("/tmp/z.sock")));
}
