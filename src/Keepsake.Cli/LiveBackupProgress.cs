using System.Globalization;
using Keepsake.Engine.DeviceBackup;
using Spectre.Console;

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
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
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
}
