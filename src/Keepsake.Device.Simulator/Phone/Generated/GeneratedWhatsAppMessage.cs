namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>
/// A WhatsApp message (ZWAMESSAGE Z_PK = <see cref="Id"/>) in chat <see cref="ChatId"/> (ZWACHATSESSION Z_PK);
/// media, when any, at <c>Message/<see cref="MediaPath"/></c> in the WhatsApp group domain.
/// </summary>
public sealed record GeneratedWhatsAppMessage(long Id, long ChatId, string ChatName, bool FromMe, string? SenderJid, DateTimeOffset Date, string? Text, string? MediaPath, long MediaSize);
