using System.Diagnostics;
using Keepsake.Primitives;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Crypto;
using Keepsake.TestKit;

namespace Keepsake.Repository.Tests;

public sealed class CrashSafetyTests
{
    [ToolFact("restic")]
    public async Task BackupAsync_KilledAtRandomPoints_RepositoryStaysValidAndNextBackupSucceeds()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDirectory();
        var repoPath = dir.Combine("repo");
        var source = dir.Combine("source");
        TestData.CreateTree(source, seed: 41, files: 6);
        var options = new RepositoryOptions { KdfParameters = KdfParameters.Fast, PackSize = 512 * 1024, Hostname = "crash-host" };
        using var password = Secret.FromString(Restic.Password);
        using var repo = await Repository.InitAsync(new LocalBackend(repoPath), password, options);
        var first = await repo.BackupAsync(source, new BackupOptions { Host = "crash-host" });
        var firstCopy = dir.Combine("first-restored-reference");
        await repo.RestoreAsync(first.Snapshot, firstCopy, new RestoreOptions { SubPath = Path.GetFullPath(source) });

        var assembly = typeof(CrashHelperProgram).Assembly.Location;
        var random = new Random(1234);
        var killedMidway = 0;
        for (var round = 0; round < 8; round++)
        {
            // New content each round so that the killed backup has real work to do.
            for (var f = 0; f < 4; f++)
            {
                TestData.CreateRandomFile(Path.Combine(source, $"round{round}-{f}.bin"), 6 * 1024 * 1024, seed: (round * 10) + f);
            }

            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { assembly, "crash-backup", repoPath, source, Restic.Password })
            {
                psi.ArgumentList.Add(a);
            }

            using var process = Process.Start(psi)!;
            var opened = await process.StandardOutput.ReadLineAsync();
            Assert.Equal("opened", opened);
            // Kill points spread over the first part of a backup that takes well over a second even on an idle machine.
            await Task.Delay(random.Next(0, 300));
            if (!process.HasExited)
            {
                process.Kill(); // SIGKILL on Unix
                killedMidway++;
            }

            await process.WaitForExitAsync();

            Restic.Check(repoPath);
            using var reopened = await Repository.OpenAsync(new LocalBackend(repoPath), password, options);
            var restored = dir.Combine($"restored-{round}");
            var firstAgain = await reopened.LoadSnapshotAsync(first.Snapshot.Id);
            await reopened.RestoreAsync(firstAgain, restored, new RestoreOptions { SubPath = Path.GetFullPath(source) });
            TestData.AssertSameTree(firstCopy, restored);
            Directory.Delete(restored, recursive: true);
        }

        Assert.True(killedMidway >= 4, $"only {killedMidway} of 8 backups were killed before finishing");

        // The dead processes left locks behind: the next backup, and an exclusive prune, still succeed.
        using var last = await Repository.OpenAsync(new LocalBackend(repoPath), password, options);
        Assert.NotEmpty(await last.ListLocksAsync());
        var final = await last.BackupAsync(source, new BackupOptions { Host = "crash-host" });
        await last.PruneAsync();
        Restic.Check(repoPath);
        var finalRestored = dir.Combine("final");
        await last.RestoreAsync(final.Snapshot, finalRestored, new RestoreOptions { SubPath = Path.GetFullPath(source) });
        TestData.AssertSameTree(source, finalRestored);
    }
}
