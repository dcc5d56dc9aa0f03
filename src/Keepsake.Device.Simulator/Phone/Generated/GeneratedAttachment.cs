namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>
/// A Messages attachment (attachment ROWID = <see cref="Id"/>), stored in MediaDomain at
/// <see cref="RelativePath"/> (<c>Library/SMS/Attachments/xx/yy/GUID/name</c>).
/// </summary>
public sealed record GeneratedAttachment(long Id, string Guid, string TransferName, string MimeType, string Uti, GeneratedMediaKind Kind, long Size, string RelativePath);
