using Keepsake.Device.Services.Afc;

namespace Keepsake.Device.Tests.Services.Afc;

public sealed class AfcPacketHeaderTests
{
    [Fact]
    public void Write_Create_LaysOutMagicAndLittleEndianFields()
    {
        var bytes = new byte[40];
        AfcPacketHeader.Create(5, AfcOpcode.ReadDirectory, headerDataLength: 3, payloadLength: 2).Write(bytes);
        Assert.Equal("CFA6LPAA"u8.ToArray(), bytes[..8]);
        Assert.Equal(45, BitConverter.ToInt64(bytes, 8));
        Assert.Equal(43, BitConverter.ToInt64(bytes, 16));
        Assert.Equal(5, BitConverter.ToInt64(bytes, 24));
        Assert.Equal(3, BitConverter.ToInt64(bytes, 32));
    }

    [Fact]
    public void Read_BadMagic_ThrowsAfcException()
    {
        var bytes = new byte[40];
        AfcPacketHeader.Create(1, AfcOpcode.Status, 8, 0).Write(bytes);
        bytes[0] = (byte)'X';
        Assert.Throws<AfcException>(() => AfcPacketHeader.Read(bytes));
    }

    [Fact]
    public void Read_ThisLengthBeyondEntire_ThrowsAfcException()
    {
        var bytes = new byte[40];
        new AfcPacketHeader(40, 48, 1, AfcOpcode.Status).Write(bytes);
        Assert.Throws<AfcException>(() => AfcPacketHeader.Read(bytes));
    }

    [Fact]
    public async Task ReadAsync_HugeEntireLength_ThrowsBeforeAllocating()
    {
        var bytes = new byte[40];
        new AfcPacketHeader(ulong.MaxValue / 2, 40, 1, AfcOpcode.Data).Write(bytes);
        await Assert.ThrowsAsync<AfcException>(() => AfcPacket.ReadAsync(new MemoryStream(bytes)));
    }

    [Fact]
    public async Task WriteAsync_ThenReadAsync_RoundTrips()
    {
        var stream = new MemoryStream();
        await new AfcPacket(AfcOpcode.FileOpen, 9, AfcPacket.UInt64Data(1), [1, 2, 3]).WriteAsync(stream);
        stream.Position = 0;
        var packet = await AfcPacket.ReadAsync(stream);
        Assert.NotNull(packet);
        Assert.Equal(AfcOpcode.FileOpen, packet.Operation);
        Assert.Equal(9UL, packet.PacketNumber);
        Assert.Equal(AfcPacket.UInt64Data(1), packet.HeaderData);
        Assert.Equal(new byte[] { 1, 2, 3 }, packet.Payload);
    }
}
