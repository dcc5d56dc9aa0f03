namespace Keepsake.TestKit;

/// <summary>
/// A folder under the system temp folder that the user <c>nobody</c> can enter and read but not write
/// (0755, owned by root), holding a copy of the built <c>keepsake</c> program, and a writable home and
/// output folder for that user. Runs keepsake as <c>nobody</c> through <c>runuser</c>.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnprivilegedRun : IDisposable
{
    private const UnixFileMode ReadAndEnter = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly TempDirectory _root = new("keepsake-unprivileged");

    public UnprivilegedRun()
    {
        if (UnprivilegedUserFactAttribute.MissingPrerequisite() is { } missing)
        {
            throw new InvalidOperationException(missing);
        }

        File.SetUnixFileMode(_root.Path, ReadAndEnter);
        Program = _root.Combine("program");
        CopyProgram(AppContext.BaseDirectory, Program);
        Home = CreateWritable("home");
        Output = CreateWritable("output");
    }

    /// <summary>The folder (0755) holding everything; put read-only test data inside it.</summary>
    public string Root => _root.Path;

    /// <summary>A folder the user nobody may write into (for extract and export).</summary>
    public string Output { get; }

    /// <summary>Nobody's home and temp folder for the run.</summary>
    public string Home { get; }

    /// <summary>The copied program folder.</summary>
    public string Program { get; }

    /// <summary>Gives every file and folder under <paramref name="path"/> read (and enter) rights for all, and write for none.</summary>
    public static void MakeReadOnlyForAll(string path)
    {
        var folderMode = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        var fileMode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, fileMode);
        }

        foreach (var dir in Directory.EnumerateDirectories(path, "*", SearchOption.AllDirectories).Prepend(path))
        {
            File.SetUnixFileMode(dir, folderMode);
        }
    }

    /// <summary>Runs <c>keepsake</c> with <paramref name="arguments"/> as the user nobody.</summary>
    public ToolResult Keepsake(params string[] arguments)
    {
        var command = new List<string>
        {
            "-u", "nobody", "--", "env", "-i",
            "PATH=" + Environment.GetEnvironmentVariable("PATH"),
            "HOME=" + Home,
            "TMPDIR=" + Home,
            "DOTNET_CLI_HOME=" + Home,
            "DOTNET_NOLOGO=1",
        };
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot)
        {
            command.Add("DOTNET_ROOT=" + dotnetRoot);
        }

        command.AddRange(["dotnet", Path.Combine(Program, "keepsake.dll"), .. arguments]);
        return ExternalTool.Run("runuser", command, TimeSpan.FromMinutes(3));
    }

    public void Dispose() => _root.Dispose();

    private static void CopyProgram(string from, string to)
    {
        // The program and the native libraries of this platform only (the build output holds every platform's).
        var rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        var arch = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        string[] runtimes = [rid, "linux-" + arch, "unix", "linux"];
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var runtime in runtimes.Distinct(StringComparer.Ordinal))
        {
            var source = Path.Combine(from, "runtimes", runtime);
            if (!Directory.Exists(source))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(to, "runtimes", runtime, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        foreach (var dir in Directory.EnumerateDirectories(to, "*", SearchOption.AllDirectories).Prepend(to))
        {
            File.SetUnixFileMode(dir, ReadAndEnter);
        }

        foreach (var file in Directory.EnumerateFiles(to, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    private string CreateWritable(string name)
    {
        var path = _root.Combine(name);
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)0x1FF);
        return path;
    }
}
