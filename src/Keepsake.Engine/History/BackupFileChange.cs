using Keepsake.BackupFormat;

namespace Keepsake.Engine.History;

/// <summary>
/// One file of the phone that differs between two backups, named as the phone names it.
/// <paramref name="Size"/> is the size after the change (before it, for a removal);
/// <paramref name="PreviousSize"/> the size before a change (0 for an addition or removal).
/// </summary>
public sealed record BackupFileChange(BackupChangeKind Kind, string Domain, string RelativePath, BackupCategory Category, long Size, long PreviousSize);
