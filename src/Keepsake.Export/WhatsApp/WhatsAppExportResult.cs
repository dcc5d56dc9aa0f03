namespace Keepsake.Export.WhatsApp;

/// <summary>What the WhatsApp export wrote.</summary>
public sealed record WhatsAppExportResult(int Chats, long Messages, int Media, int MediaCopied);
