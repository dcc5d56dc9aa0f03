using System.Diagnostics;
using System.Globalization;
using Keepsake.Primitives;
using Keepsake.Repository;

namespace Keepsake.Cli;

/// <summary>
/// Progress of a long vault command (restore, check --read-data, copy, prune) with its rate and time left. On a
/// terminal, one line rewritten in place; otherwise (a log, a pipe) plain lines, at most one every
/// <see cref="PlainBackupProgress.Interval"/>, and a last one when done, in the manner of <see cref="PlainBackupProgress"/>.
/// Thread-safe: the vault reports from several workers.
/// </summary>
internal sealed class WorkProgressReporter(TextWriter output, bool live) : IProgress<WorkProgress>, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private WorkProgress? _last;
    private TimeSpan _printed = TimeSpan.MinValue;

    /// <summary>Live on a terminal, plain lines when standard output is redirected; to <paramref name="output"/>.</summary>
    public static WorkProgressReporter For(TextWriter output) => new(output, live: !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out));

    public void Report(WorkProgress value)
    {
        lock (_lock)
        {
            var first = _last is null || _last.Value.Phase != value.Phase;
            _last = value;
            var interval = live ? TimeSpan.FromMilliseconds(200) : PlainBackupProgress.Interval;
            if (!first && _clock.Elapsed - _printed < interval)
            {
                return;
            }

            _printed = _clock.Elapsed;
            Write(Line(value, finished: false));
        }
    }

    /// <summary>The closing line (what was done, the rate, how long it took).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_last is { } last)
            {
                Write(Line(last, finished: true));
                if (live)
                {
                    output.WriteLine();
                }

                _last = null;
            }
        }
    }

    private void Write(string line)
    {
        if (live)
        {
            output.Write("\r" + line.PadRight(Math.Min(Console.WindowWidth - 1, 100)));
        }
        else
        {
            output.WriteLine(line);
        }

        output.Flush();
    }

    private string Line(WorkProgress p, bool finished)
    {
        var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        var rate = p.Bytes / seconds;
        var items = p.TotalItems is { } all ? $"{p.Items}/{all} {p.Unit}" : $"{p.Items} {p.Unit}";
        var bytes = p.TotalBytes is { } total ? $"{new ByteSize(p.Bytes)} of {new ByteSize(total)}" : $"{new ByteSize(p.Bytes)}";
        var line = p.Bytes == 0 && p.TotalBytes is null
            ? string.Create(CultureInfo.InvariantCulture, $"{p.Phase}: {items}")
            : string.Create(CultureInfo.InvariantCulture, $"{p.Phase}: {items}, {bytes}, {new ByteSize((long)rate)}/s");
        if (finished)
        {
            return line + string.Create(CultureInfo.InvariantCulture, $", done in {seconds:0.0} s");
        }

        // Time left from bytes when their total is known, else from items.
        var left = p.TotalBytes is { } allBytes && rate > 0 && allBytes > p.Bytes ? (allBytes - p.Bytes) / rate
            : p.TotalItems is { } allItems && p.Items > 0 && allItems > p.Items ? (allItems - p.Items) * (seconds / p.Items)
            : (double?)null;
        return left is { } s ? line + $", about {TimeLeft.Format(TimeSpan.FromSeconds(s))} left" : line;
    }
}
