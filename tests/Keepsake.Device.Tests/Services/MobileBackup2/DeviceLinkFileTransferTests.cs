using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Transport;

namespace Keepsake.Device.Tests.Services.MobileBackup2;

public sealed class DeviceLinkFileTransferTests
{
    [Fact]
    public async Task WriteContentAsync_EmptyFile_IsJustSuccessBlock()
    {
        var output = new MemoryStream();
        await DeviceLinkFileTransfer.WriteContentAsync(output, new MemoryStream());
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0 }, output.ToArray());
    }

    [Fact]
    public async Task WriteContentAsync_ThenReadContentAsync_RoundTripsInChunks()
    {
        var data = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        var wire = new MemoryStream();
        await DeviceLinkFileTransfer.WriteNameAsync(wire, "UDID/ab/abcdef");
        await DeviceLinkFileTransfer.WriteContentAsync(wire, new MemoryStream(data));
        await DeviceLinkFileTransfer.WriteEndOfBatchAsync(wire);
        Assert.Equal(12 + 4 + 4 * 5 + 100_000 + 5 + 4, wire.Length - 2);
        wire.Position = 0;

        Assert.Equal("UDID/ab/abcdef", await DeviceLinkFileTransfer.ReadNameAsync(wire));
        var received = new MemoryStream();
        var result = await DeviceLinkFileTransfer.ReadContentAsync(wire, received);
        Assert.Equal(DeviceLinkFileCode.Success, result.Code);
        Assert.Equal(data, received.ToArray());
        Assert.Null(await DeviceLinkFileTransfer.ReadNameAsync(wire));
    }

    [Fact]
    public async Task ReadContentAsync_RemoteError_ReturnsText()
    {
        var wire = new MemoryStream();
        await DeviceLinkFileTransfer.WriteErrorAsync(wire, DeviceLinkFileCode.ErrorRemote, "No such file");
        wire.Position = 0;
        var result = await DeviceLinkFileTransfer.ReadContentAsync(wire, Stream.Null);
        Assert.Equal(DeviceLinkFileCode.ErrorRemote, result.Code);
        Assert.Equal("No such file", result.ErrorText);
    }

    [Fact]
    public async Task ReadContentAsync_BareZero_EndsBatch()
    {
        var result = await DeviceLinkFileTransfer.ReadContentAsync(new MemoryStream(new byte[4]), Stream.Null);
        Assert.True(result.EndOfBatch);
    }

    [Fact]
    public async Task ReadContentAsync_UnknownCode_ThrowsWithByteCount()
    {
        var ex = await Assert.ThrowsAsync<DeviceProtocolException>(() => DeviceLinkFileTransfer.ReadContentAsync(new MemoryStream([0, 0, 0, 1, 0x42]), Stream.Null));
        Assert.Contains("0x42", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadContentAsync_HugeBlock_ThrowsBeforeAllocating() =>
        await Assert.ThrowsAsync<DeviceProtocolException>(() => DeviceLinkFileTransfer.ReadContentAsync(new MemoryStream([0xFF, 0xFF, 0xFF, 0xFF, 0x0C]), Stream.Null));

    [Fact]
    public async Task ReadNameAsync_TooLong_Throws() =>
        await Assert.ThrowsAsync<DeviceProtocolException>(() => DeviceLinkFileTransfer.ReadNameAsync(new MemoryStream([0, 0, 0x10, 1])));

    [Fact]
    public async Task ReadNameAsync_Truncated_ThrowsDeviceDisconnectedException() =>
        await Assert.ThrowsAsync<DeviceDisconnectedException>(() => DeviceLinkFileTransfer.ReadNameAsync(new MemoryStream([0, 0, 0, 5, 65])));
}
