namespace Keepsake.Export.Messages;

/// <summary>What an export wrote.</summary>
public sealed record MessagesExportResult
{
    /// <summary>Conversations exported (files written or found up to date).</summary>
    public int Conversations { get; init; }

    /// <summary>Distinct message rows exported, tapbacks included (each attached to its target or on its own).</summary>
    public long Messages { get; init; }

    /// <summary>Messages not in the previous export of this folder.</summary>
    public long NewMessages { get; init; }

    /// <summary>Distinct attachment rows referenced by exported messages.</summary>
    public int Attachments { get; init; }

    /// <summary>Attachments whose file is in the export folder.</summary>
    public int AttachmentsCopied { get; init; }

    /// <summary>Attachments listed as missing (not in the backup, or no source to copy from).</summary>
    public int AttachmentsMissing { get; init; }

    /// <summary>Conversation files rewritten in this run (others were already up to date).</summary>
    public int FilesWritten { get; init; }

    /// <summary>Messages whose attributedBody could not be decoded (their text column was used).</summary>
    public int BodyDiagnostics { get; init; }
}
