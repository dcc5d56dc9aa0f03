namespace Keepsake.Device.Simulator;

/// <summary>The shared byte budget for <see cref="SimulatorFaults.DisconnectAfterBytes"/>.</summary>
internal sealed class FaultBudget(long? limit)
{
    private long _sent;

    public bool Exhausted => limit is { } l && Interlocked.Read(ref _sent) >= l;

    /// <summary>Reserves up to <paramref name="wanted"/> bytes; returns how many may be sent.</summary>
    public int Take(int wanted)
    {
        if (limit is not { } l)
        {
            return wanted;
        }

        while (true)
        {
            var sent = Interlocked.Read(ref _sent);
            var allowed = (int)Math.Clamp(l - sent, 0, wanted);
            if (Interlocked.CompareExchange(ref _sent, sent + allowed, sent) == sent)
            {
                return allowed;
            }
        }
    }
}
