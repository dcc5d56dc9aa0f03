using System.Buffers.Binary;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Keepsake.Plist;

namespace Keepsake.Device.Transport;

/// <summary>
/// A connection to a device service (lockdownd, notification_proxy, mobilebackup2, ...) that frames
/// plists as a big-endian uint32 length followed by the document, and can switch to TLS in place
/// (host = TLS client, device = TLS server) and back to plaintext (lockdown StopSession).
/// Used by both host clients and the simulator.
/// </summary>
public sealed class ServiceConnection : IAsyncDisposable, IDisposable
{
    /// <summary>Plists longer than this are refused before allocating.</summary>
    public const int MaxPlistLength = 64 * 1024 * 1024;

    private readonly Stream _raw;
    private readonly TlsRecordBoundaryStream _recordStream;
    private SslStream? _tls;

    /// <summary>Wraps <paramref name="stream"/>, which the connection owns and disposes.</summary>
    public ServiceConnection(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _raw = new IdleTimeoutStream(stream, () => ReceiveTimeout);
        _recordStream = new TlsRecordBoundaryStream(_raw);
    }

    /// <summary>The stream to use for raw bytes: the TLS stream while TLS is on, else the socket.</summary>
    public Stream Stream => _tls ?? _raw;

    /// <summary>Whether TLS is currently on.</summary>
    public bool IsTls => _tls is not null;

    /// <summary>How long any read (a plist or raw file-transfer bytes) waits for the peer's next byte
    /// before failing with <see cref="TimeoutException"/>; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</summary>
    public TimeSpan ReceiveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sends one plist; the length prefix and the body go in one write.</summary>
    public async Task SendPlistAsync(PlistNode message, ServicePlistFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = PlistCodec.Encode(message, format);
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        body.CopyTo(frame.AsSpan(4));
        await Stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Receives one plist; null when the peer closed the connection cleanly between messages.</summary>
    public async Task<PlistNode?> ReceivePlistOrEndAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var prefix = new byte[4];
            var got = await Stream.ReadAtLeastAsync(prefix, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (got == 0)
            {
                return null;
            }

            if (got < 4)
            {
                throw new DeviceDisconnectedException($"The connection closed inside a plist length prefix ({got} of 4 bytes).");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
            if (length > MaxPlistLength)
            {
                throw new DeviceProtocolException($"Plist message length {length} exceeds the {MaxPlistLength}-byte limit.");
            }

            var body = new byte[length];
            await Stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
            try
            {
                return PlistCodec.Decode(body);
            }
            catch (PlistFormatException ex)
            {
                throw new DeviceProtocolException($"A {length}-byte plist message could not be parsed: {ex.Message}", ex);
            }
        }
        catch (EndOfStreamException ex)
        {
            throw new DeviceDisconnectedException("The connection closed in the middle of a plist message.", ex);
        }
    }

    /// <summary>Receives one plist; <see cref="DeviceDisconnectedException"/> when the peer closed instead.</summary>
    public async Task<PlistNode> ReceivePlistAsync(CancellationToken cancellationToken = default) =>
        await ReceivePlistOrEndAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new DeviceDisconnectedException("The peer closed the connection while a plist message was expected.");

    /// <summary>
    /// Starts TLS as the client (host side). <paramref name="clientCertificate"/> (with its private key)
    /// is presented when the device asks. Device certificates are not chain-validated, as with
    /// libimobiledevice; when <paramref name="expectedDevicePublicKey"/> is given the device's key must match it.
    /// </summary>
    public async Task StartClientTlsAsync(X509Certificate2? clientCertificate, byte[]? expectedDevicePublicKey = null, CancellationToken cancellationToken = default)
    {
        EnsurePlain();
        var tls = new SslStream(_recordStream, leaveInnerStreamOpen: true);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "device",
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                expectedDevicePublicKey is null || (certificate is not null && certificate.GetPublicKey().AsSpan().SequenceEqual(expectedDevicePublicKey)),
            LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
        };
        if (clientCertificate is not null)
        {
            options.ClientCertificates = [clientCertificate];
        }

        try
        {
            await tls.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException ex)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new DeviceProtocolException($"The TLS handshake with the device failed: {ex.Message}", ex);
        }

        _tls = tls;
    }

    /// <summary>Starts TLS as the server (simulated device), TLS 1.2 at most, any or no client certificate accepted.</summary>
    public async Task StartServerTlsAsync(X509Certificate2 serverCertificate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serverCertificate);
        EnsurePlain();
        var tls = new SslStream(_recordStream, leaveInnerStreamOpen: true);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = serverCertificate,
            EnabledSslProtocols = SslProtocols.Tls12,
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };
        try
        {
            await tls.AuthenticateAsServerAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException ex)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new DeviceProtocolException($"The TLS handshake with the host failed: {ex.Message}", ex);
        }

        _tls = tls;
    }

    /// <summary>Host side of leaving TLS: sends close_notify, then the socket is plaintext again.</summary>
    public async Task StopClientTlsAsync(CancellationToken cancellationToken = default)
    {
        if (_tls is null)
        {
            return;
        }

        try
        {
            await _tls.ShutdownAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The device may already have closed; plaintext use after this fails on its own.
        }

        _tls = null;
    }

    /// <summary>Device side of leaving TLS: discards the host's close_notify record (or end of stream), sends none.</summary>
    public async Task StopServerTlsAsync(CancellationToken cancellationToken = default)
    {
        if (_tls is null)
        {
            return;
        }

        _tls = null;
        try
        {
            await _recordStream.SkipRecordAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The host closed straight away, which is what the Debian tools do.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_tls is not null)
        {
            await _tls.DisposeAsync().ConfigureAwait(false);
        }

        await _raw.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _tls?.Dispose();
        _raw.Dispose();
    }

    private void EnsurePlain()
    {
        if (_tls is not null)
        {
            throw new InvalidOperationException("TLS is already on for this connection.");
        }
    }
}
