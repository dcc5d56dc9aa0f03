namespace Keepsake.Engine.DeviceBackup;

/// <summary>
/// What a finished backup says about "Messages in iCloud" (see <see cref="MessagesInICloudCheck"/>).
/// </summary>
public sealed record MessagesInICloudReport
{
    /// <summary>True when the phone's Messages preferences say Messages in iCloud is on, false when they say off or are absent; null when the backup could not be read (encrypted and no password, or unreadable preferences).</summary>
    public required bool? Enabled { get; init; }

    /// <summary>The preferences also say the phone has taken its message store out of backups.</summary>
    public bool RemovedFromBackup { get; init; }

    /// <summary>Whether the backup holds the message database (<c>HomeDomain/Library/SMS/sms.db</c>).</summary>
    public bool HasMessageDatabase { get; init; }

    /// <summary>
    /// With Messages in iCloud on: rows in the message database's <c>message</c> table; null when there is no
    /// readable database, or when Messages in iCloud is off (the database is then not opened).
    /// </summary>
    public long? MessagesInBackup { get; init; }

    /// <summary>Why the check could not be made, when <see cref="Enabled"/> is null.</summary>
    public string? NotCheckedReason { get; init; }

    /// <summary>What to tell the user, or null when there is nothing to say (Messages in iCloud is off).</summary>
    public string? Notice { get; init; }
}
