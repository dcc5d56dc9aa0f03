using Keepsake.Plist;

namespace Keepsake.BackupFormat;

/// <summary>
/// The facts about a backup that listings show, gathered from Info.plist, Manifest.plist and
/// Status.plist. Every field is optional: third-party tools write subsets of these files.
/// The raw dictionaries are kept for callers that need more.
/// </summary>
public sealed record BackupProperties
{
    public string? Udid { get; init; }

    public string? DeviceName { get; init; }

    public string? ProductType { get; init; }

    public string? ProductVersion { get; init; }

    public string? BuildVersion { get; init; }

    public string? SerialNumber { get; init; }

    /// <summary>Last Backup Date (Info.plist), else Manifest.plist Date.</summary>
    public DateTimeOffset? Date { get; init; }

    public bool IsEncrypted { get; init; }

    /// <summary>Status.plist SnapshotState; "finished" for a complete backup.</summary>
    public string? SnapshotState { get; init; }

    /// <summary>True when SnapshotState is "finished" and no Snapshot/ staging folder exists.</summary>
    public bool IsComplete { get; init; }

    public bool? IsFullBackup { get; init; }

    /// <summary>Manifest.plist Version (10.0 with Manifest.db, 9.1 with mbdb...).</summary>
    public string? FormatVersion { get; init; }

    /// <summary>"Manifest.db" or "Manifest.mbdb".</summary>
    public string? ManifestKind { get; init; }

    public PlistDictionary? InfoPlist { get; init; }

    public PlistDictionary? ManifestPlist { get; init; }

    public PlistDictionary? StatusPlist { get; init; }

    /// <summary>
    /// Info.plist or Status.plist found damaged and read as missing (each error names its file); empty when both
    /// were readable or absent.
    /// </summary>
    public IReadOnlyList<BackupFormatException> DamagedFiles { get; init; } = [];
}
