using System.Diagnostics;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;

namespace Keepsake.Repository.Crypto;

/// <summary>scrypt cost parameters stored in a key file (N must be a power of two above 1).</summary>
public sealed record KdfParameters(int N, int R, int P)
{
    /// <summary>How long restic lets its calibrated scrypt take (restic's KDFTimeout).</summary>
    public static readonly TimeSpan CalibrationTime = TimeSpan.FromMilliseconds(500);

    /// <summary>How much memory restic lets its calibrated scrypt use, in MiB (restic's KDFMemory).</summary>
    public const int CalibrationMemoryMiB = 60;

    /// <summary>The largest p Keepsake accepts in a key file.</summary>
    private const int MaxP = 16;

    private static readonly Lazy<KdfParameters> CalibratedLazy = new(() => Calibrate(CalibrationTime, CalibrationMemoryMiB), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>restic's uncalibrated defaults (N = 2^15, r = 8, p = 1).</summary>
    public static KdfParameters Default { get; } = new(32768, 8, 1);

    /// <summary>
    /// The least Keepsake writes for a new key: what restic 0.14 calibrated on the reference machine
    /// (N = 2^15, r = 8, p = 4). A slow or busy machine never makes new keys cheaper than this.
    /// </summary>
    public static KdfParameters Minimum { get; } = new(32768, 8, 4);

    /// <summary>Cheap parameters for tests (N = 2^10); restic accepts them.</summary>
    public static KdfParameters Fast { get; } = new(1024, 8, 1);

    /// <summary>
    /// Parameters calibrated on this machine the way restic calibrates them (<see cref="Calibrate"/> with
    /// <see cref="CalibrationTime"/> and <see cref="CalibrationMemoryMiB"/>), measured once per process.
    /// </summary>
    public static KdfParameters Calibrated => CalibratedLazy.Value;

    /// <summary>
    /// The costliest parameters within <paramref name="memoryMiB"/> whose derivation takes at most
    /// <paramref name="timeout"/> here, as restic calibrates (r fixed at 8; N the largest power of two
    /// whose 128·r·N bytes fit in the memory, halved while one derivation is too slow; then p raised to fill
    /// the time, and lowered again while a derivation with it is too slow); never below <see cref="Minimum"/>.
    /// </summary>
    public static KdfParameters Calibrate(TimeSpan timeout, int memoryMiB)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryMiB, 1);
        const int r = 8;
        var memory = (long)memoryMiB << 20;
        var n = 1;
        while (128L * r * n < memory)
        {
            n <<= 1;
        }

        n = Math.Max(n >> 1, 2);
        var duration = Measure(n, r, 1);
        while (duration > timeout && n > 2)
        {
            n >>= 1;
            duration = Measure(n, r, 1);
        }

        var p = (int)Math.Clamp(timeout.Ticks / Math.Max(duration.Ticks, 1), 1, MaxP);
        duration = Measure(n, r, p);
        while (duration > timeout && p > 1)
        {
            p = (int)Math.Clamp(timeout.Ticks / Math.Max(duration.Ticks / p, 1), 1, p - 1);
            duration = Measure(n, r, p);
        }

        return new KdfParameters(Math.Max(n, Minimum.N), Math.Max(r, Minimum.R), Math.Clamp(p, Minimum.P, MaxP));
    }

    internal void Validate()
    {
        if (N <= 1 || (N & (N - 1)) != 0 || N > 1 << 24 || R <= 0 || R > 64 || P <= 0 || P > MaxP)
        {
            throw new ArgumentOutOfRangeException(nameof(N), "scrypt parameters out of range (N a power of two up to 2^24, r 1..64, p 1..16).");
        }
    }

    private static TimeSpan Measure(int n, int r, int p)
    {
        var salt = RandomNumberGenerator.GetBytes(64);
        var clock = Stopwatch.StartNew();
        SCrypt.Generate("calibration"u8.ToArray(), salt, n, r, p, 64);
        return clock.Elapsed;
    }
}
