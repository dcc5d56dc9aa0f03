namespace Keepsake.Web.Data;

/// <summary>A camera-roll item: its backup file (CameraRollDomain), date taken, kind and albums.</summary>
public sealed record PhotoAsset(long Id, string RelativePath, string FileName, DateTimeOffset? Taken, bool IsVideo, bool Hidden, IReadOnlyList<string> Albums);
