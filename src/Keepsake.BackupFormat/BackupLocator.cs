namespace Keepsake.BackupFormat;

/// <summary>Finds Apple-format backup folders where Finder, iTunes, Apple Devices and Keepsake keep them.</summary>
public static class BackupLocator
{
    /// <summary>
    /// The usual backup roots for this OS: macOS <c>~/Library/Application Support/MobileSync/Backup</c>;
    /// Windows <c>%APPDATA%\Apple Computer\MobileSync\Backup</c> and <c>%USERPROFILE%\Apple\MobileSync\Backup</c>;
    /// elsewhere Keepsake's own <c>$XDG_DATA_HOME/keepsake/backups</c> (default <c>~/.local/share/keepsake/backups</c>).
    /// The folders may not exist.
    /// </summary>
    public static IReadOnlyList<string> DefaultRoots()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS())
        {
            return [Path.Combine(home, "Library", "Application Support", "MobileSync", "Backup")];
        }

        if (OperatingSystem.IsWindows())
        {
            var appData = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
            return [Path.Combine(appData, "Apple Computer", "MobileSync", "Backup"), Path.Combine(home, "Apple", "MobileSync", "Backup")];
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var dataHome = string.IsNullOrEmpty(xdg) || !Path.IsPathRooted(xdg) ? Path.Combine(home, ".local", "share") : xdg;
        return [Path.Combine(dataHome, "keepsake", "backups")];
    }

    /// <summary>
    /// The backups in <paramref name="root"/>: the folder itself, or each direct subfolder, holding
    /// Manifest.plist, Manifest.db or Manifest.mbdb. A backup whose plists are damaged is reported
    /// with <see cref="FoundBackup.Error"/>, not thrown.
    /// </summary>
    public static IEnumerable<FoundBackup> Find(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            yield break;
        }

        if (IsBackup(full))
        {
            yield return Describe(full);
            yield break;
        }

        IEnumerable<string> children;
        try
        {
            children = Directory.EnumerateDirectories(full).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var child in children)
        {
            if (IsBackup(child))
            {
                yield return Describe(child);
            }
        }
    }

    /// <summary>Whether <paramref name="folder"/> holds Manifest.plist, Manifest.db or Manifest.mbdb.</summary>
    public static bool IsBackup(string folder) =>
        File.Exists(Path.Combine(folder, "Manifest.plist")) || File.Exists(Path.Combine(folder, "Manifest.db")) || File.Exists(Path.Combine(folder, "Manifest.mbdb"));

    private static FoundBackup Describe(string folder)
    {
        var size = SizeOf(folder);
        try
        {
            return new FoundBackup(folder, BackupFolder.ReadProperties(folder), size);
        }
        catch (Exception e) when (e is BackupFormatException or IOException or UnauthorizedAccessException)
        {
            return new FoundBackup(folder, new BackupProperties(), size) { Error = e.Message };
        }
    }

    private static long SizeOf(string folder)
    {
        long total = 0;
        try
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", options))
            {
                total += file.Length;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return total;
    }
}
