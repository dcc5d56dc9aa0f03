using System.Net;
using System.Net.Sockets;

namespace Keepsake.TestKit;

/// <summary>
/// A TCP proxy on 127.0.0.1 (ephemeral port) in front of a server, that can start dropping every
/// connection: a server that goes away in the middle of an operation, without stopping the real
/// server other tests share. <see cref="DropAfterBytes"/> makes it go away once that many bytes went
/// up; <see cref="RefuseFirst"/> drops the first connections and then forwards normally (a flaky link).
/// </summary>
public sealed class DroppingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private long _bytesUp;
    private int _refused;
    private volatile bool _dropping;

    public DroppingProxy(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's address, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string Endpoint => $"{_target.Scheme}://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Once this many request bytes went through, every connection is dropped, open or new.</summary>
    public long DropAfterBytes { get; set; } = long.MaxValue;

    /// <summary>How many connections to drop at once on arrival before forwarding normally.</summary>
    public int RefuseFirst { get; set; }

    /// <summary>Connections dropped on arrival so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Whether the proxy has started dropping everything.</summary>
    public bool IsDropping => _dropping;

    /// <summary>Drops every connection from now on.</summary>
    public void DropAll()
    {
        _dropping = true;
        lock (_open)
        {
            foreach (var c in _open)
            {
                c.Close();
            }

            _open.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropAll();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            if (_dropping || Interlocked.Increment(ref _refused) <= RefuseFirst)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Close();
                continue;
            }

            Interlocked.Decrement(ref _refused);
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            lock (_open)
            {
                _open.Add(client);
                _open.Add(server);
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = PumpAsync(client.GetStream(), server.GetStream(), countUp: true, linked.Token);
            var down = PumpAsync(server.GetStream(), client.GetStream(), countUp: false, linked.Token);
            await Task.WhenAny(up, down);
            await linked.CancelAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Close();
        }
    }

    private async Task PumpAsync(Stream from, Stream to, bool countUp, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (!_dropping)
            {
                var n = await from.ReadAsync(buffer, cancellationToken);
                if (n == 0)
                {
                    return;
                }

                if (countUp && Interlocked.Add(ref _bytesUp, n) > DropAfterBytes)
                {
                    DropAll();
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
