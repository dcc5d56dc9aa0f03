using Keepsake.Device.Usbmux;

namespace Keepsake.Device.Tests.Usbmux;

public sealed class UsbmuxHeaderTests
{
    [Fact]
    public void Write_PlistPacket_IsLittleEndianFields()
    {
        var bytes = new byte[16];
        new UsbmuxHeader(0x1234, 1, UsbmuxMessageType.Plist, 7).Write(bytes);
        Assert.Equal(new byte[] { 0x34, 0x12, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 7, 0, 0, 0 }, bytes);
    }

    [Fact]
    public void Read_WrittenHeader_RoundTrips()
    {
        var bytes = new byte[16];
        var header = new UsbmuxHeader(300, 1, UsbmuxMessageType.Result, 42);
        header.Write(bytes);
        Assert.Equal(header, UsbmuxHeader.Read(bytes));
        Assert.Equal(284, header.PayloadLength);
    }

    [Fact]
    public void Read_LengthSmallerThanHeader_ThrowsUsbmuxException()
    {
        var bytes = new byte[16];
        bytes[0] = 15;
        Assert.Throws<UsbmuxException>(() => UsbmuxHeader.Read(bytes));
    }

    [Fact]
    public void Read_ShortBuffer_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => UsbmuxHeader.Read(new byte[15]));

    [Fact]
    public void SwapPort_Lockdown_IsNetworkOrderValue()
    {
        Assert.Equal(32498, UsbmuxMessages.SwapPort(62078));
        Assert.Equal(62078, UsbmuxMessages.SwapPort(32498));
    }

    [Fact]
    public void SanitizeUdid_24Chars_InsertsDash() =>
        Assert.Equal("00008030-001A35E11A88802E", UsbmuxMessages.SanitizeUdid("00008030001A35E11A88802E"));

    [Fact]
    public async Task ReadAsync_OversizedLength_ThrowsBeforeAllocating()
    {
        var bytes = new byte[16];
        new UsbmuxHeader(uint.MaxValue, 1, UsbmuxMessageType.Plist, 1).Write(bytes);
        await Assert.ThrowsAsync<UsbmuxException>(() => UsbmuxPacket.ReadAsync(new MemoryStream(bytes)));
    }

    [Fact]
    public async Task ReadAsync_TruncatedHeader_Throws()
    {
        await Assert.ThrowsAsync<UsbmuxException>(() => UsbmuxPacket.ReadAsync(new MemoryStream(new byte[5])));
        Assert.Null(await UsbmuxPacket.ReadAsync(new MemoryStream()));
    }
}
