using System.Globalization;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Primitives;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Keepsake.Cli;

/// <summary>
/// Backup progress on a terminal: one bar while the phone sends and one while the vault stores,
/// each with files, bytes, the true byte rate and the time left. While receiving, the bar's total
/// is the bytes estimated from the phone's own percent (the phone never tells the total); while
/// storing, it is the working copy's exact size.
/// </summary>
internal sealed class LiveBackupProgress : IProgress<DeviceBackupProgress>
{
    private readonly ProgressContext _context;
    private readonly ProgressTask _receiving;
    private ProgressTask? _storing;
    private LiveBackupProgress(ProgressContext context)
    {
        _context = context;
        _receiving = context.AddTask("Connecting to the iPhone", maxValue: 1);
        _receiving.IsIndeterminate = true;
    }

    public static async Task<T> RunAsync<T>(Func<IProgress<DeviceBackupProgress>, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new BytesColumn(), new TransferSpeedColumn(), new TimeLeftColumn())
            .StartAsync(async context =>
            {
                var view = new LiveBackupProgress(context);
                result = await work(view);
                view.Finish();
            });
        return result;
    }

    public void Report(DeviceBackupProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (value.Stage)
        {
            case DeviceBackupStage.Receiving:
                _receiving.Description = string.Create(CultureInfo.InvariantCulture, $"Receiving: {value.Files} files");
                if (value.TotalBytes is { } estimate)
                {
                    _receiving.IsIndeterminate = false;
                    _receiving.MaxValue = Math.Max(1, estimate);
                }
                else
                {
                    _receiving.MaxValue = Math.Max(1, value.Bytes * 2);
                }

                _receiving.Value = value.Bytes;
                break;
            case DeviceBackupStage.Storing:
                if (_storing is null)
                {
                    Complete(_receiving);
                    _storing = _context.AddTask("Storing in the vault", maxValue: Math.Max(1, value.TotalBytes ?? 1));
                }

                _storing.Description = string.Create(CultureInfo.InvariantCulture, $"Storing: {value.Files}/{value.TotalFiles ?? 0} files");
                _storing.Value = value.Bytes;
                break;
            case DeviceBackupStage.Done:
                Finish();
                break;
        }
    }

    private void Finish()
    {
        Complete(_receiving);
        if (_storing is not null)
        {
            Complete(_storing);
        }
    }

    private static void Complete(ProgressTask task)
    {
        task.IsIndeterminate = false;
        task.Value = task.MaxValue;
        task.StopTask();
    }

    /// <summary>Bytes done, and of how many: "~" marks the receiving estimate; nothing but the count while unknown.</summary>
    private sealed class BytesColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            var done = new ByteSize((long)task.Value);
            if (task.IsIndeterminate)
            {
                return new Text(task.Value > 0 ? done.ToString() : string.Empty);
            }

            // The phone never says how much it will send: while receiving, the total is the estimate.
            var estimate = task.Description.StartsWith("Receiving", StringComparison.Ordinal) ? "~" : string.Empty;
            return new Text(task.IsFinished ? done.ToString() : $"{done} of {estimate}{new ByteSize((long)task.MaxValue)}");
        }
    }

    /// <summary>Time left from the measured byte rate; blank until there is a rate and a total.</summary>
    private sealed class TimeLeftColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            if (task.IsFinished)
            {
                return new Text("done");
            }

            if (task.IsIndeterminate || task.Speed is not { } speed || speed <= 0)
            {
                return new Text(string.Empty);
            }

            var seconds = (task.MaxValue - task.Value) / speed;
            return new Text(seconds is > 0 and < 360_000 ? $"{TimeLeft.Format(TimeSpan.FromSeconds(seconds))} left" : string.Empty);
        }
    }
}
