using System.Text.Json;
using Keepsake.BackupFormat.Writer;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// <c>restore --to-folder</c> cut short leaves a folder marked incomplete (a marker, no Status.plist) that <c>info</c>
/// never calls complete; run again it resumes; a finished folder is replaced only with --overwrite. Progress is printed
/// as plain lines when the output is not a terminal. Run through the real process.
/// </summary>
public sealed class RestoreFolderTests
{
    private const string Udid = "00008030-00000RESTORE0001";

    [Fact]
    public void Restore_CutShortThenRerun_MarkedIncompleteThenResumed()
    {
        using var dir = new TempDirectory();
        var vault = dir.Combine("vault");
        var env = new Dictionary<string, string> { ["KEEPSAKE_VAULT"] = vault, ["KEEPSAKE_PASSWORD"] = "restore-tests-pw" };
        var original = dir.Combine(Udid);
        using (var writer = BackupWriter.Create(original, new BackupWriterOptions { Udid = Udid }))
        {
            writer.AddFile("HomeDomain", "Library/SMS/sms.db", new MemoryStream(Bytes(400_000, 1)));
            writer.AddFile("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.HEIC", new MemoryStream(Bytes(500_000, 2)));
            writer.AddFile("HomeDomain", "Library/Notes/small.txt", new MemoryStream(Bytes(1_000, 3)));
            writer.Complete();
        }

        KeepsakeProcess.Run(["import", original], env).EnsureSuccess("keepsake import");

        // A copy of the vault that lost its largest pack: restoring from it stops short of some files.
        var damaged = dir.Combine("damaged-vault");
        CopyFolder(vault, damaged);
        File.Delete(new DirectoryInfo(Path.Combine(damaged, "data")).EnumerateFiles("*", SearchOption.AllDirectories).MaxBy(f => f.Length)!.FullName);
        var destination = dir.Combine("restored");
        var cut = KeepsakeProcess.Run(["restore", "latest", "--to-folder", destination, "--vault", damaged], env);
        Assert.Equal(ExitCodes.Partial, cut.ExitCode);
        var restored = Path.Combine(destination, Udid);
        Assert.True(File.Exists(Path.Combine(restored, ".keepsake-restore-incomplete")));
        Assert.False(File.Exists(Path.Combine(restored, "Status.plist")));
        var info = KeepsakeProcess.Run(["info", restored], env);
        Assert.Contains("NO: an interrupted restore", info.StandardOutput, StringComparison.Ordinal);
        Assert.False(JsonDocument.Parse(KeepsakeProcess.Run(["info", restored, "--json"], env).StandardOutput).RootElement[0].GetProperty("complete").GetBoolean());

        // Run again against the whole vault: it resumes into the same folder (no "already exists"), and finishes.
        var resumed = KeepsakeProcess.Run(["restore", "latest", "--to-folder", destination], env).EnsureSuccess("keepsake restore (resume)");
        Assert.Matches(@"restoring: \d+ files, [\d.]+ [KMG]?i?B of [\d.]+ [KMG]?i?B, [\d.]+ [KMG]?i?B/s, done in [\d.]+ s", resumed.StandardOutput);
        Assert.DoesNotContain('\u001b', resumed.StandardOutput);
        Assert.False(File.Exists(Path.Combine(restored, ".keepsake-restore-incomplete")));
        Assert.True(File.Exists(Path.Combine(restored, "Status.plist")));
        Assert.True(JsonDocument.Parse(KeepsakeProcess.Run(["info", restored, "--json"], env).StandardOutput).RootElement[0].GetProperty("complete").GetBoolean());
        foreach (var file in Directory.EnumerateFiles(original, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(restored, Path.GetRelativePath(original, file))));
        }

        // A finished folder is not restored over without --overwrite (a usage error that says so), and is with it.
        var again = KeepsakeProcess.Run(["restore", "latest", "--to-folder", destination], env);
        Assert.Equal(ExitCodes.Usage, again.ExitCode);
        Assert.Contains("give --overwrite to replace it", again.StandardError, StringComparison.Ordinal);
        // Long vault commands print progress as plain lines too (standard output is not a terminal here).
        Assert.Matches(@"reading packs: \d+/\d+ packs, [\d.]+ [KMG]?i?B of [\d.]+ [KMG]?i?B, [\d.]+ [KMG]?i?B/s, done in", KeepsakeProcess.Run(["check", "--read-data"], env).EnsureSuccess("keepsake check --read-data").StandardOutput);
        Assert.Matches(@"copying: 1/1 snapshots, [\d.]+ [KMG]?i?B, [\d.]+ [KMG]?i?B/s, done in", KeepsakeProcess.Run(["copy", "--to", dir.Combine("copy")], new Dictionary<string, string>(env) { ["KEEPSAKE_TO_PASSWORD"] = "copy-pw" }).EnsureSuccess("keepsake copy").StandardOutput);
        File.WriteAllText(Path.Combine(restored, "stray.txt"), "not from the snapshot");
        KeepsakeProcess.Run(["restore", "latest", "--to-folder", destination, "--overwrite"], env).EnsureSuccess("keepsake restore --overwrite");
        Assert.False(File.Exists(Path.Combine(restored, "stray.txt")));
        Assert.True(File.Exists(Path.Combine(restored, "Status.plist")));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        foreach (var folder in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, folder)));
        }
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
