namespace Keepsake.Export.Messages;

/// <summary>An attachment row and where its exported copy went.</summary>
public sealed record MessageAttachment
{
    public required long RowId { get; init; }

    public string? Guid { get; init; }

    /// <summary>The device path (attachment.filename), e.g. <c>~/Library/SMS/Attachments/ab/12/…/IMG_1.HEIC</c>.</summary>
    public string? DevicePath { get; init; }

    /// <summary>The original file name (attachment.transfer_name).</summary>
    public string? TransferName { get; init; }

    public string? MimeType { get; init; }

    public string? Uti { get; init; }

    public long TotalBytes { get; init; }

    public DateTimeOffset? Created { get; init; }

    public bool IsSticker { get; init; }

    public bool IsOutgoing { get; init; }

    /// <summary>Path of the exported copy, relative to the export folder ('/' separated); null when missing.</summary>
    public string? ExportedPath { get; set; }

    /// <summary>A display copy (JPEG of a HEIC image, HTML exports only), relative like <see cref="ExportedPath"/>; null when none.</summary>
    public string? PreviewPath { get; set; }

    /// <summary>Why no display copy could be made for an image browsers do not show, when that failed.</summary>
    public string? PreviewNote { get; set; }

    /// <summary>Why the file is not in the export (not in the backup, offloaded, no path...), when missing.</summary>
    public string? MissingReason { get; set; }

    /// <summary>The name to show.</summary>
    public string DisplayName => TransferName ?? (DevicePath is null ? Guid ?? $"attachment {RowId}" : Path.GetFileName(DevicePath));
}
