using System.Runtime.InteropServices;
using Keepsake.Primitives;

namespace Keepsake.Cli;

/// <summary>
/// SIGINT (Ctrl-C), SIGTERM and SIGHUP cancel the running command, which unwinds (closing the vault,
/// deleting its temporary files) and exits 130. If it has not finished within <see cref="GracePeriod"/>,
/// or on a second signal, the run's temporary folder (<see cref="RunTemp"/>) is deleted and the process
/// exits 130 at once: no decrypted copy outlives a signal that can be caught. (SIGKILL cannot be caught:
/// the next run sweeps what it leaves.)
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _cancellation;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;

    public TerminationSignals(CancellationTokenSource cancellation)
    {
        _cancellation = cancellation;
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
            }
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private static void LeaveNow()
    {
        RunTemp.DeleteCurrent();
        Environment.Exit(ExitCodes.Cancelled);
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) > 1)
        {
            LeaveNow();
            return;
        }

        _ = Task.Delay(GracePeriod).ContinueWith(_ => LeaveNow(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
