using System.Runtime.InteropServices;
using Keepsake.Engine.Vault;
using Keepsake.Repository;
using Keepsake.Repository.Snapshots;
using Keepsake.Repository.Trees;

namespace Keepsake.Engine.DeviceBackup;

/// <summary>
/// The opt-in plain copy of a device's latest snapshot in Apple's (Finder's) layout, <c>DIR/&lt;UDID&gt;</c>,
/// for users who want one beside the vault (<c>keepsake backup --mirror DIR</c>). It is made from the
/// snapshot once that is recorded, never from what the phone sent, so it always equals a snapshot: the
/// new copy is built in <c>DIR/.&lt;UDID&gt;.new-…</c>, files the previous copy already holds with the same
/// content are hard-linked into it (copied where links are not possible), the rest is restored from the
/// vault, and only then the new folder replaces the old one. A run killed half-way leaves the previous
/// copy whole; its unfinished folder is removed by the next update. Which snapshot the copy equals is
/// recorded in <c>DIR/.&lt;UDID&gt;.keepsake-mirror</c>.
/// </summary>
public static class BackupMirror
{
    private const string StateSuffix = ".keepsake-mirror";

    /// <summary>Makes <c>mirrorRoot/&lt;folder&gt;</c> equal the backup in <paramref name="snapshot"/>; returns its path and what was restored.</summary>
    public static async Task<(string Folder, RestoreResult Restored, long FilesReused)> UpdateAsync(Repository.Repository repository, Snapshot snapshot, string mirrorRoot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentException.ThrowIfNullOrEmpty(mirrorRoot);
        var folder = SnapshotBackupStore.BackupFolderOf(snapshot);
        var name = folder[(folder.LastIndexOf('/') + 1)..];
        var root = Path.GetFullPath(mirrorRoot);
        Directory.CreateDirectory(root);
        var target = Path.Combine(root, name);
        var state = Path.Combine(root, "." + name + StateSuffix);
        RemoveUnfinished(root, name);

        // What the current copy holds: the files of the snapshot it was made from.
        var previous = new Dictionary<string, Node>(StringComparer.Ordinal);
        if (Directory.Exists(target) && File.Exists(state) && File.ReadAllText(state).Trim() is { Length: > 0 } previousId)
        {
            try
            {
                var old = await repository.FindSnapshotAsync(previousId, cancellationToken: cancellationToken).ConfigureAwait(false);
                await foreach (var entry in repository.EnumerateAsync(old, "/" + SnapshotBackupStore.BackupFolderOf(old), cancellationToken).ConfigureAwait(false))
                {
                    if (entry.Node.Type == NodeType.File)
                    {
                        previous[entry.Path] = entry.Node;
                    }
                }
            }
            catch (Exception e) when (e is RepositoryCorruptedException or ArgumentException or KeyNotFoundException or IOException)
            {
                // The snapshot is gone (forgotten) or unreadable: restore everything.
                previous.Clear();
            }
        }

        // Owner-only, as the phone's data in it is readable by whoever can open the folder.
        var staging = Path.Combine(root, $".{name}.new-{Guid.NewGuid():N}");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(staging);
        }
        else
        {
            Directory.CreateDirectory(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        try
        {
            var prefix = "/" + folder;
            var reused = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var entry in repository.EnumerateAsync(snapshot, prefix, cancellationToken).ConfigureAwait(false))
            {
                if (entry.Node.Type != NodeType.File || !previous.TryGetValue(entry.Path, out var before) || !SameContent(before, entry.Node))
                {
                    continue;
                }

                var relative = entry.Path[(prefix.Length + 1)..];
                var existing = Path.Combine(target, relative);
                var info = new FileInfo(existing);
                if (!info.Exists || info.LinkTarget is not null || info.Length != (long)entry.Node.Size)
                {
                    continue;
                }

                var copy = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                LinkOrCopy(existing, copy);
                reused.Add(entry.Path);
            }

            var restored = await repository.RestoreAsync(snapshot, staging, new RestoreOptions { SubPath = prefix, Include = p => !reused.Contains(p) }, cancellationToken).ConfigureAwait(false);
            if (restored.Errors.Count > 0)
            {
                throw new RepositoryCorruptedException("snapshot", snapshot.ShortId, $"the mirror could not be made: {restored.Errors[0]}");
            }

            // Swap: the old copy stays whole until the new one is complete.
            var retired = Path.Combine(root, $".{name}.old-{Guid.NewGuid():N}");
            if (Directory.Exists(target))
            {
                Directory.Move(target, retired);
            }

            Directory.Move(staging, target);
            File.WriteAllText(state + ".partial", snapshot.Id + "\n");
            File.Move(state + ".partial", state, overwrite: true);
            TryDelete(retired);
            return (target, restored, reused.Count);
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
    }

    private static bool SameContent(Node a, Node b) =>
        a.Size == b.Size && (a.Content ?? []).SequenceEqual(b.Content ?? []);

    /// <summary>Folders a killed update left (<c>.&lt;name&gt;.new-…</c>, <c>.&lt;name&gt;.old-…</c>).</summary>
    private static void RemoveUnfinished(string root, string name)
    {
        foreach (var folder in Directory.EnumerateDirectories(root, $".{name}.*"))
        {
            var leaf = Path.GetFileName(folder);
            if (leaf.StartsWith($".{name}.new-", StringComparison.Ordinal) || leaf.StartsWith($".{name}.old-", StringComparison.Ordinal))
            {
                TryDelete(folder);
            }
        }
    }

    private static void LinkOrCopy(string existing, string copy)
    {
        if (!OperatingSystem.IsWindows() && Link(existing, copy) == 0)
        {
            return;
        }

        File.Copy(existing, copy, overwrite: true);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Removed by the next update.
        }
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string copy);
}
