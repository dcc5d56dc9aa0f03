using System.Diagnostics;
using System.Globalization;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Primitives;

namespace Keepsake.Cli;

/// <summary>
/// Backup progress for output that is not a terminal (a log, a pipe): plain lines, one when a stage
/// starts and ends and at most one every <see cref="Interval"/> in between, each with files, bytes,
/// the byte rate and the time left. No bar, no cursor movement, no colour.
/// </summary>
internal sealed class PlainBackupProgress(TextWriter output) : IProgress<DeviceBackupProgress>
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private readonly Stopwatch _stage = new();
    private DeviceBackupStage? _current;
    private DeviceBackupProgress? _last;
    private TimeSpan _printed;

    public void Report(DeviceBackupProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_lock)
        {
            if (value.Stage != _current)
            {
                if (_last is { Stage: DeviceBackupStage.Receiving or DeviceBackupStage.Storing } last)
                {
                    output.WriteLine(Line(last, finished: true));
                }

                _current = value.Stage;
                _stage.Restart();
                _printed = TimeSpan.Zero;
                _last = value;
                switch (value.Stage)
                {
                    case DeviceBackupStage.Connecting:
                        output.WriteLine("Connecting to the iPhone...");
                        break;
                    case DeviceBackupStage.Receiving:
                        output.WriteLine("Receiving from the iPhone...");
                        break;
                    case DeviceBackupStage.Storing:
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Storing in the vault: {value.TotalFiles ?? 0} files, {new ByteSize(value.TotalBytes ?? 0)}..."));
                        break;
                }

                output.Flush();
                return;
            }

            _last = value;
            if (_stage.Elapsed - _printed >= Interval)
            {
                _printed = _stage.Elapsed;
                output.WriteLine(Line(value, finished: false));
                output.Flush();
            }
        }
    }

    private string Line(DeviceBackupProgress p, bool finished)
    {
        var seconds = Math.Max(_stage.Elapsed.TotalSeconds, 0.001);
        var rate = p.Bytes / seconds;
        var what = p.Stage == DeviceBackupStage.Receiving ? "  received" : "  stored";
        var files = p.TotalFiles is { } totalFiles ? $"{p.Files}/{totalFiles} files" : $"{p.Files} files";
        var bytes = p.TotalBytes is { } total && p.Stage == DeviceBackupStage.Storing ? $"{new ByteSize(p.Bytes)} of {new ByteSize(total)}" : $"{new ByteSize(p.Bytes)}";
        var line = string.Create(CultureInfo.InvariantCulture, $"{what} {files}, {bytes}, {new ByteSize((long)rate)}/s");
        if (finished)
        {
            return line + string.Create(CultureInfo.InvariantCulture, $", done in {seconds:0.0} s");
        }

        return p.TotalBytes is { } all && rate > 0 && all > p.Bytes
            ? line + $", about {TimeLeft.Format(TimeSpan.FromSeconds((all - p.Bytes) / rate))} left"
            : line;
    }
}
