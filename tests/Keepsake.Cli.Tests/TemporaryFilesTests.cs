using System.Diagnostics;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// No plain copy outlives a run: a real keepsake process holding a decrypted Manifest.db (paused there by
/// the documented KEEPSAKE_TEST_PAUSE_AFTER_OPEN hook) is signalled or killed, and the temporary folder is
/// checked afterwards. Plaintext written out of an encrypted backup is owner-only.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TemporaryFilesTests
{
    private const string Encrypted = "pyiosbackup-encrypted-mini";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [FixtureTheory(Encrypted)]
    [InlineData("TERM")]
    [InlineData("HUP")]
    [InlineData("INT")]
    public void Info_CatchableSignalWhileHoldingDecryptedManifest_DeletesIt(string signal)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempDirectory();
        using var paused = PausedInfo(temp);
        ExternalTool.Run("kill", ["-s", signal, paused.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).EnsureSuccess("kill");

        Assert.True(paused.Process.WaitForExit(Patience), "keepsake did not exit after SIG" + signal);
        Assert.Equal(130, paused.Process.ExitCode);
        Assert.False(Directory.Exists(paused.RunFolder), $"{paused.RunFolder} is left after SIG{signal}");
        Assert.Empty(RunFolders(temp));
    }

    [FixtureFact(Encrypted, "mvt-ios-backup")]
    public void Info_KilledWhileHoldingDecryptedManifest_NextRunSweepsIt()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempDirectory();
        using var paused = PausedInfo(temp);
        paused.Process.Kill();
        Assert.True(paused.Process.WaitForExit(Patience));
        Assert.True(Directory.Exists(paused.RunFolder), "SIGKILL cannot be caught: the folder is expected to be left for the next run");

        KeepsakeProcess.Run(["info", Fixtures.Path("mvt-ios-backup")], new Dictionary<string, string> { ["TMPDIR"] = temp.Path }).EnsureSuccess("keepsake info");

        Assert.False(Directory.Exists(paused.RunFolder), "the next run did not sweep the killed run's folder");
        Assert.Empty(RunFolders(temp));
    }

    [FixtureFact(Encrypted)]
    public void Extract_EncryptedBackup_WritesOwnerOnlyFiles()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dest = new TempDirectory();
        var target = dest.Combine("out");
        KeepsakeProcess.Run(
            ["extract", Fixtures.Path(Encrypted, "ios10-sqlite"), target],
            new Dictionary<string, string> { ["KEEPSAKE_BACKUP_PASSWORD"] = "0000" }).EnsureSuccess("keepsake extract");

        var file = Path.Combine(target, "MyTestDomain", "Media", "Test.txt");
        Assert.Equal("Test data", File.ReadAllText(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file) & (UnixFileMode)0x1FF);
        foreach (var folder in Directory.EnumerateDirectories(target, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(folder) & (UnixFileMode)0x3F);
        }
    }

    private static IEnumerable<string> RunFolders(TempDirectory temp) =>
        Directory.Exists(temp.Path)
            ? Directory.EnumerateDirectories(temp.Path, "keepsake-*").SelectMany(user => Directory.EnumerateDirectories(user, "run-*"))
            : [];

    /// <summary>Starts <c>keepsake info</c> on the encrypted fixture and waits until it holds the decrypted Manifest.db.</summary>
    private static PausedProcess PausedInfo(TempDirectory temp)
    {
        var marker = temp.Combine("paused");
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "keepsake.dll"));
        psi.ArgumentList.Add("info");
        psi.ArgumentList.Add(Fixtures.Path(Encrypted, "ios10-sqlite"));
        psi.Environment["TMPDIR"] = temp.Path;
        psi.Environment["KEEPSAKE_BACKUP_PASSWORD"] = "0000";
        psi.Environment["KEEPSAKE_TEST_PAUSE_AFTER_OPEN"] = marker;
        psi.Environment["DOTNET_NOLOGO"] = "1";
        var process = Process.Start(psi)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!File.Exists(marker) || new FileInfo(marker).Length == 0)
            {
                Assert.False(process.HasExited, $"keepsake exited {(process.HasExited ? process.ExitCode : 0)} before pausing");
                Assert.True(deadline.Elapsed < Patience, "keepsake did not reach the pause");
                Thread.Sleep(50);
            }

            var runFolder = File.ReadAllText(marker).Trim();
            Assert.StartsWith(temp.Path, runFolder, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(runFolder));
            var decrypted = Directory.EnumerateFiles(runFolder, "*", SearchOption.AllDirectories).Where(IsPlainSqlite).ToList();
            Assert.NotEmpty(decrypted);
            Assert.All(decrypted, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
            return new PausedProcess(process, runFolder);
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    private static bool IsPlainSqlite(string path)
    {
        var header = new byte[16];
        using var stream = File.OpenRead(path);
        return stream.ReadAtLeast(header, 16, throwOnEndOfStream: false) == 16 && header.AsSpan().SequenceEqual("SQLite format 3\0"u8);
    }

    private sealed class PausedProcess(Process process, string runFolder) : IDisposable
    {
        public Process Process { get; } = process;

        public string RunFolder { get; } = runFolder;

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit();
            }

            Process.Dispose();
        }
    }
}
