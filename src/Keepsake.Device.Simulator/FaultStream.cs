namespace Keepsake.Device.Simulator;

/// <summary>Wraps a device-side connection: throttles what the device sends and cuts the link after a byte budget.</summary>
internal sealed class FaultStream(Stream inner, SimulatorFaults faults, FaultBudget budget) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        budget.Exhausted && faults.DisconnectAfterBytes is not null ? ValueTask.FromResult(0) : inner.ReadAsync(buffer, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var offset = 0;
        while (offset < buffer.Length)
        {
            var slice = buffer.Length - offset;
            if (faults.BytesPerSecond is { } rate)
            {
                slice = (int)Math.Min(slice, Math.Max(1, rate / 20));
            }

            var allowed = budget.Take(slice);
            if (allowed > 0)
            {
                await inner.WriteAsync(buffer.Slice(offset, allowed), cancellationToken).ConfigureAwait(false);
                offset += allowed;
            }

            if (allowed < slice && faults.StallAfterBytes is not null)
            {
                await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }

            if (allowed < slice)
            {
                await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
                inner.Dispose();
                throw new IOException("Simulated disconnect: the device byte budget is used up.");
            }

            if (faults.BytesPerSecond is { } bps)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)allowed / bps), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
