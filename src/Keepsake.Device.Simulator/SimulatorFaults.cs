namespace Keepsake.Device.Simulator;

/// <summary>Faults the simulated iPhone can inject, for tests of the host side and of the Debian tools.</summary>
public sealed class SimulatorFaults
{
    /// <summary>No faults.</summary>
    public static SimulatorFaults None { get; } = new();

    /// <summary>Cut every device connection once the device has sent this many bytes in total (over all connections).</summary>
    public long? DisconnectAfterBytes { get; init; }

    /// <summary>Stop sending (but keep every connection open) once the device has sent this many bytes: a hung phone.</summary>
    public long? StallAfterBytes { get; init; }

    /// <summary>Throttle what the device sends to this many bytes per second (a slow link).</summary>
    public long? BytesPerSecond { get; init; }

    /// <summary>The phone is locked with a passcode: lockdown answers PasswordProtected to Pair and to StartService of mobilebackup2.</summary>
    public bool PasscodeLocked { get; init; }

    /// <summary>The Trust dialog is showing: this many Pair requests fail with PairingDialogResponsePending before pairing succeeds.</summary>
    public int PairingDialogPending { get; init; }

    /// <summary>The user taps "Don't Trust": Pair fails with UserDeniedPairing.</summary>
    public bool UserDeniesPairing { get; init; }

    /// <summary>Free bytes on the phone; a restore needing more fails with a disk-full error.</summary>
    public long? PhoneFreeBytes { get; init; }
}
