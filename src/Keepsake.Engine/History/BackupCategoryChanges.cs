using Keepsake.BackupFormat;

namespace Keepsake.Engine.History;

/// <summary>How many files of one <see cref="BackupCategory"/> were added, removed and changed, and their bytes.</summary>
public sealed record BackupCategoryChanges(BackupCategory Category, int Added, long AddedBytes, int Removed, long RemovedBytes, int Changed, long ChangedBytes);
