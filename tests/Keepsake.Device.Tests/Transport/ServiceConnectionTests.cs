using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Device.Tests.Transport;

public sealed class ServiceConnectionTests
{
    [Fact]
    public async Task SendPlistAsync_Xml_FramesWithBigEndianLength()
    {
        var buffer = new MemoryStream();
        await using (var connection = new ServiceConnection(new NonDisposing(buffer)))
        {
            await connection.SendPlistAsync(new PlistDictionary { ["Request"] = "QueryType" }, ServicePlistFormat.Xml);
        }

        var bytes = buffer.ToArray();
        Assert.Equal(bytes.Length - 4, (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]);
        Assert.StartsWith("<?xml", System.Text.Encoding.UTF8.GetString(bytes, 4, 5), StringComparison.Ordinal);
        await using var reader = new ServiceConnection(new MemoryStream(bytes));
        Assert.Equal("QueryType", (await reader.ReceivePlistAsync()).AsDictionary().GetString("Request"));
        Assert.Null(await reader.ReceivePlistOrEndAsync());
    }

    [Fact]
    public async Task ReceivePlistAsync_HugeLength_ThrowsBeforeAllocating()
    {
        await using var connection = new ServiceConnection(new MemoryStream([0xFF, 0xFF, 0xFF, 0xFF, 1, 2]));
        var ex = await Assert.ThrowsAsync<DeviceProtocolException>(() => connection.ReceivePlistAsync());
        Assert.Contains("exceeds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReceivePlistAsync_TruncatedBody_ThrowsDeviceDisconnectedException()
    {
        await using var connection = new ServiceConnection(new MemoryStream([0, 0, 0, 10, (byte)'<', (byte)'?']));
        await Assert.ThrowsAsync<DeviceDisconnectedException>(() => connection.ReceivePlistAsync());
    }

    [Fact]
    public async Task ReceivePlistAsync_Silence_ThrowsTimeoutWithinReceiveTimeout()
    {
        var (a, b) = await PairAsync();
        await using var host = new ServiceConnection(a) { ReceiveTimeout = TimeSpan.FromMilliseconds(300) };
        await using var device = new ServiceConnection(b);
        await Assert.ThrowsAsync<TimeoutException>(() => host.ReceivePlistAsync());
    }

    [Fact]
    public async Task Tls_StartAndStop_PlaintextAfterwardsIsNotSwallowed()
    {
        var (a, b) = await PairAsync();
        using var key = RSA.Create(2048);
        using var certificate = X509CertificateLoader.LoadPkcs12(
            new CertificateRequest("CN=device", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)).Export(X509ContentType.Pkcs12), null);
        await using var host = new ServiceConnection(a);
        await using var device = new ServiceConnection(b);

        var server = device.StartServerTlsAsync(certificate);
        await host.StartClientTlsAsync(null, certificate.GetPublicKey());
        await server;
        Assert.True(host.IsTls);
        await host.SendPlistAsync(new PlistDictionary { ["In"] = "tls" }, ServicePlistFormat.Xml);
        Assert.Equal("tls", (await device.ReceivePlistAsync()).AsDictionary().GetString("In"));

        // Host leaves TLS and immediately speaks plaintext, in the same write burst.
        await host.StopClientTlsAsync();
        await host.SendPlistAsync(new PlistDictionary { ["In"] = "plain" }, ServicePlistFormat.Xml);
        await device.StopServerTlsAsync();
        Assert.False(device.IsTls);
        Assert.Equal("plain", (await device.ReceivePlistAsync()).AsDictionary().GetString("In"));
    }

    [Fact]
    public async Task StartClientTlsAsync_WrongDeviceKey_ThrowsDeviceProtocolException()
    {
        var (a, b) = await PairAsync();
        using var key = RSA.Create(2048);
        using var certificate = X509CertificateLoader.LoadPkcs12(
            new CertificateRequest("CN=device", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)).Export(X509ContentType.Pkcs12), null);
        await using var host = new ServiceConnection(a);
        await using var device = new ServiceConnection(b);
        var server = device.StartServerTlsAsync(certificate);
        await Assert.ThrowsAsync<DeviceProtocolException>(() => host.StartClientTlsAsync(null, new byte[] { 1, 2, 3 }));
        await server.ContinueWith(_ => { }, TaskScheduler.Default); // the server may or may not notice; only the host's refusal matters
    }

    internal static async Task<(Stream A, Stream B)> PairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        var server = await accept;
        return (new NetworkStream(client, ownsSocket: true), new NetworkStream(server, ownsSocket: true));
    }

    private sealed class NonDisposing(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => inner.SetLength(value);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
