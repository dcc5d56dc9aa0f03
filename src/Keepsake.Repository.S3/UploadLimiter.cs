using System.Diagnostics;

namespace Keepsake.Repository.S3;

/// <summary>A token bucket shared by every upload of a backend: at most the given bytes per second overall.</summary>
internal sealed class UploadLimiter(long bytesPerSecond)
{
    private static readonly long Burst = Stopwatch.Frequency / 4;
    private readonly Lock _lock = new();
    private long _next = Stopwatch.GetTimestamp();

    public async ValueTask WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        long wait;
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            _next = Math.Max(_next, now - Burst) + (long)((double)bytes / bytesPerSecond * Stopwatch.Frequency);
            wait = _next - now;
        }

        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken).ConfigureAwait(false);
        }
    }
}
