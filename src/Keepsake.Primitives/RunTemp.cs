using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Keepsake.Primitives;

/// <summary>
/// The one home of this process's temporary files (decrypted databases, copies SQLite must read):
/// an owner-only folder <c>$TMPDIR/keepsake-&lt;uid&gt;/run-&lt;pid&gt;-&lt;random&gt;</c> (0700), created on
/// first use, whose files are created 0600. <see cref="DeleteCurrent"/> removes it (the command line
/// calls it on exit and on every signal it can catch); <see cref="SweepStale"/> removes the folders of
/// runs whose process is gone (killed with SIGKILL, or a crash), so no plain copy outlives its run for
/// longer than the next one. See docs/design/threat-model.md, "Temporary files".
/// </summary>
public static class RunTemp
{
    private const string RunPrefix = "run-";
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private static readonly Lock Gate = new();
    private static string? _current;

    /// <summary>The folder holding every run's folder of this user: <c>$TMPDIR/keepsake-&lt;uid&gt;</c>.</summary>
    public static string UserFolder => Path.Combine(Path.GetTempPath(), "keepsake-" + UserId());

    /// <summary>This run's folder if it has been created, else null.</summary>
    public static string? CurrentOrNull
    {
        get
        {
            lock (Gate)
            {
                return _current;
            }
        }
    }

    /// <summary>This run's owner-only folder, created (with its parent) on first use.</summary>
    /// <exception cref="IOException">The folder cannot be created.</exception>
    public static string Current
    {
        get
        {
            lock (Gate)
            {
                return _current ??= CreateRunFolder();
            }
        }
    }

    /// <summary>A new, empty owner-only folder inside this run's folder, named <paramref name="prefix"/>-&lt;random&gt;.</summary>
    public static string CreateFolder(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var path = Path.Combine(Current, prefix + "-" + RandomName());
        CreateOwnerOnlyFolder(path);
        return path;
    }

    /// <summary>
    /// Creates a new owner-only (0600) file inside this run's folder, named
    /// <paramref name="prefix"/>-&lt;random&gt;<paramref name="extension"/>, open for writing.
    /// </summary>
    public static FileStream CreateFile(string prefix, string extension, out string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentNullException.ThrowIfNull(extension);
        path = Path.Combine(Current, prefix + "-" + RandomName() + extension);
        return OwnerOnlyFile.Create(path);
    }

    /// <summary>Deletes this run's folder and everything in it (files still open stay readable by whoever holds them until closed).</summary>
    public static void DeleteCurrent()
    {
        lock (Gate)
        {
            if (_current is null)
            {
                return;
            }

            TryDeleteFolder(_current);
            _current = null;
        }
    }

    /// <summary>
    /// Deletes the folders in <see cref="UserFolder"/> left by runs whose process no longer exists.
    /// Returns how many were removed. Never throws for a folder it cannot remove.
    /// </summary>
    public static int SweepStale()
    {
        var parent = UserFolder;
        if (!Directory.Exists(parent) || new DirectoryInfo(parent).LinkTarget is not null)
        {
            return 0;
        }

        var removed = 0;
        IEnumerable<string> runs;
        try
        {
            runs = Directory.EnumerateDirectories(parent, RunPrefix + "*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        foreach (var run in runs)
        {
            if (OwningProcess(Path.GetFileName(run)) is not { } pid || pid == Environment.ProcessId || LocalProcess.IsRunning(pid))
            {
                continue;
            }

            if (TryDeleteFolder(run))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>The process id in a run folder's name (<c>run-&lt;pid&gt;-&lt;random&gt;</c>), or null.</summary>
    internal static int? OwningProcess(string folderName)
    {
        if (!folderName.StartsWith(RunPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = folderName.AsSpan(RunPrefix.Length);
        var dash = rest.IndexOf('-');
        return dash > 0 && int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
    }

    private static string CreateRunFolder()
    {
        var parent = UserFolder;
        if (!TryPrepareUserFolder(parent))
        {
            // Someone else's folder (or a link) sits at our name: use a fresh unshared folder instead.
            parent = Path.Combine(Path.GetTempPath(), "keepsake-" + UserId() + "-" + RandomName());
            CreateOwnerOnlyFolder(parent);
        }

        var path = Path.Combine(parent, $"{RunPrefix}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{RandomName()}");
        CreateOwnerOnlyFolder(path);
        return path;
    }

    private static bool TryPrepareUserFolder(string path)
    {
        try
        {
            if (!Directory.Exists(path) && !File.Exists(path))
            {
                CreateOwnerOnlyFolder(path);
                return true;
            }

            var info = new DirectoryInfo(path);
            if (!info.Exists || info.LinkTarget is not null)
            {
                return false;
            }

            if (!OperatingSystem.IsWindows())
            {
                // Only the owner (or root) may change the mode: a folder planted by another user fails here.
                File.SetUnixFileMode(path, OwnerOnlyFolder);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void CreateOwnerOnlyFolder(string path)
    {
        if (Directory.Exists(path) || File.Exists(path))
        {
            throw new IOException($"The temporary folder '{path}' already exists.");
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyFolder);
            File.SetUnixFileMode(path, OwnerOnlyFolder);
        }
    }

    private static bool TryDeleteFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string RandomName() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static string UserId()
    {
        if (OperatingSystem.IsWindows())
        {
            return Environment.UserName;
        }

        return NativeMethods.geteuid().ToString(CultureInfo.InvariantCulture);
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "geteuid")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // A blittable signature needs no marshalling code.
        internal static extern uint geteuid();
#pragma warning restore SYSLIB1054
    }
}
