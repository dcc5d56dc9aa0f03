using Keepsake.Primitives;

namespace Keepsake.BackupFormat.Writer;

/// <summary>Device facts and encryption settings for <see cref="BackupWriter"/>.</summary>
public sealed record BackupWriterOptions
{
    /// <summary>The device's UDID (Manifest.plist Lockdown.UniqueDeviceID, Info.plist Target Identifier).</summary>
    public required string Udid { get; init; }

    public string DeviceName { get; init; } = "iPhone";

    public string ProductType { get; init; } = "iPhone12,1";

    public string ProductVersion { get; init; } = "17.5";

    public string BuildVersion { get; init; } = "21F79";

    public string SerialNumber { get; init; } = string.Empty;

    /// <summary>The backup password; null writes a plain (unencrypted) backup.</summary>
    public Secret? Password { get; init; }

    /// <summary>DPIC: PBKDF2-SHA256 rounds (iOS uses 10,000,000).</summary>
    public int DoubleProtectionIterations { get; init; } = 10_000_000;

    /// <summary>ITER: PBKDF2-SHA1 rounds (iOS uses 10,000).</summary>
    public int Iterations { get; init; } = 10_000;

    /// <summary>The backup date; now when null.</summary>
    public DateTimeOffset? Date { get; init; }

    /// <summary>Manifest.plist SystemDomainsVersion.</summary>
    public string SystemDomainsVersion { get; init; } = "24.0";

    /// <summary>Manifest.plist WasPasscodeSet.</summary>
    public bool WasPasscodeSet { get; init; }

    /// <summary>
    /// The keybag of an earlier encrypted backup of the same device (Manifest.plist BackupKeyBag) to keep, as an
    /// iPhone keeps its backup keybag from one backup to the next. Its class keys are unlocked with
    /// <see cref="Password"/> (a wrong one raises <see cref="BackupFormatException"/> WrongPassword before anything
    /// is written), so files added again with the same per-file key are byte-identical to the earlier backup's.
    /// Null writes a fresh keybag. Ignored for a plain backup.
    /// </summary>
    public byte[]? Keybag { get; init; }

    /// <summary>Status.plist IsFullBackup.</summary>
    public bool IsFullBackup { get; init; } = true;
}
