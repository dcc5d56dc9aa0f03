using System.Diagnostics;
using System.Globalization;
using System.Text;
using Keepsake.Primitives;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Crypto;
using Keepsake.TestKit;

namespace Keepsake.Repository.Tests;

/// <summary>
/// Each writing operation (backup, prune with repacking, forget, copy) runs in a separate process
/// (<see cref="CrashHelperProgram"/>) that announces every change it is about to make to the
/// repository; the test SIGKILLs it right around a change picked at random, so the kills land
/// inside the operation, not before or after it. After each kill restic check --read-data passes,
/// every snapshot there is restores identically to the folder it was made from, and the same
/// operation run again completes.
/// </summary>
public sealed class CrashSafetyTests
{
    internal static readonly RepositoryOptions Options = new() { KdfParameters = KdfParameters.Fast, PackSize = 128 * 1024, Hostname = "crash-host" };

    private const int Rounds = 8;
    private const int MaxDelayMs = 25;
    private static readonly DateTimeOffset FirstTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Snapshot i is of state i: tagged with it, an hour after the last, under "/data".</summary>
    internal static BackupOptions BackupOptions(int state) => new()
    {
        Host = "crash-host",
        PathInSnapshot = "/data",
        Tags = [$"state:{state}"],
        Time = FirstTime.AddHours(state),
    };

    [ToolFact("restic")]
    public async Task BackupAsync_KilledAroundEachChange_RepositoryStaysValidAndNextBackupSucceeds()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDirectory();
        var states = new States(dir, allNew: true);
        var repoPath = dir.Combine("repo");
        using (var repo = await InitAsync(repoPath))
        {
            await repo.BackupAsync(states.Path(0), BackupOptions(0));
        }

        var random = new Random(1234);
        var midway = 0;
        var estimate = 8;
        for (var round = 1; round <= Rounds; round++)
        {
            var kill = await RunAndKillAsync(random.Next(1, estimate + 1), round, "backup", repoPath, states.Path(round), round.ToString(CultureInfo.InvariantCulture));
            midway += kill.Midway ? 1 : 0;
            await AssertValidAsync(repoPath, states, dir);

            // The same backup again completes (the dead process's lock is stale) and restic checks it.
            var counting = CountingBackend(repoPath);
            using (var repo = await OpenAsync(counting))
            {
                await repo.BackupAsync(states.Path(round), BackupOptions(round));
            }

            estimate = Math.Max(1, counting.Mutations);
            Restic.Run(repoPath, "--no-lock", "check").EnsureSuccess("restic check after the next backup");
        }

        Assert.True(midway >= Rounds - 2, $"only {midway} of {Rounds} backups were killed before finishing");

        // The dead processes left locks behind: an exclusive prune still runs, and everything restores.
        using var last = await OpenAsync(new LocalBackend(repoPath));
        Assert.NotEmpty(await last.ListLocksAsync());
        await last.PruneAsync();
        Assert.True((await AssertValidAsync(repoPath, states, dir)).Distinct().Count() == Rounds + 1, "a state's snapshot is missing");
    }

    [ToolFact("restic")]
    public async Task PruneAsync_KilledAroundEachChange_RepositoryStaysValidAndNextPruneSucceeds()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDirectory();
        var states = new States(dir, allNew: false);
        var repoPath = dir.Combine("repo");
        using (var repo = await InitAsync(repoPath))
        {
            for (var s = 0; s < 4; s++)
            {
                await repo.BackupAsync(states.Path(s), BackupOptions(s));
            }
        }

        var random = new Random(4321);
        var midway = 0;
        var estimate = 12;
        var repacked = 0;
        for (var round = 0; round < Rounds; round++)
        {
            // Work for prune: one more snapshot, and the oldest forgotten, whose blobs share packs with kept ones.
            using (var repo = await OpenAsync(new LocalBackend(repoPath)))
            {
                await repo.BackupAsync(states.Path(round + 4), BackupOptions(round + 4));
                await repo.ForgetAsync(new RetentionPolicy { Last = 4 });
            }

            var kill = await RunAndKillAsync(random.Next(1, estimate + 1), round, "prune", repoPath);
            midway += kill.Midway ? 1 : 0;
            await AssertValidAsync(repoPath, states, dir, expectedSnapshots: 4);

            var counting = CountingBackend(repoPath);
            using (var repo = await OpenAsync(counting))
            {
                repacked += (await repo.PruneAsync()).PacksRepacked;
                Assert.Equal(0, (await repo.PruneAsync()).PacksRemoved);
            }

            estimate = Math.Max(1, counting.Mutations);
            Restic.Run(repoPath, "--no-lock", "check").EnsureSuccess("restic check after the next prune");
        }

        Assert.True(midway >= Rounds - 2, $"only {midway} of {Rounds} prunes were killed before finishing");
        Assert.True(repacked > 0, "no prune repacked anything");
    }

    [ToolFact("restic")]
    public async Task ForgetAsync_KilledAroundEachChange_KeptSnapshotsStayAndNextForgetSucceeds()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDirectory();
        var states = new States(dir, allNew: false);
        var repoPath = dir.Combine("repo");
        using (await InitAsync(repoPath))
        {
        }

        var random = new Random(99);
        var midway = 0;
        var state = 0;
        for (var round = 0; round < Rounds; round++)
        {
            // Five new snapshots, of which forget keeps the newest three: five removals to kill among.
            using (var repo = await OpenAsync(new LocalBackend(repoPath)))
            {
                for (var i = 0; i < 5; i++, state++)
                {
                    await repo.BackupAsync(states.Path(state), BackupOptions(state));
                }
            }

            var kill = await RunAndKillAsync(random.Next(1, 5), round, "forget", repoPath, "3");
            midway += kill.Midway ? 1 : 0;
            var remaining = await AssertValidAsync(repoPath, states, dir);
            Assert.InRange(remaining.Count, 3, round == 0 ? 5 : 8);
            Assert.Equal([state - 3, state - 2, state - 1], remaining.Order().TakeLast(3));

            using (var repo = await OpenAsync(new LocalBackend(repoPath)))
            {
                await repo.ForgetAsync(new RetentionPolicy { Last = 3 });
                Assert.Equal(3, (await repo.ListSnapshotsAsync()).Count);
            }
        }

        Assert.True(midway >= Rounds - 2, $"only {midway} of {Rounds} forgets were killed before finishing");
        using (var repo = await OpenAsync(new LocalBackend(repoPath)))
        {
            await repo.PruneAsync();
        }

        await AssertValidAsync(repoPath, states, dir, expectedSnapshots: 3);
    }

    [ToolFact("restic")]
    public async Task CopyToAsync_KilledAroundEachChange_TargetStaysValidAndNextCopySucceeds()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDirectory();
        var states = new States(dir, allNew: false);
        var fromPath = dir.Combine("from");
        var toPath = dir.Combine("to");
        using (await InitAsync(toPath))
        {
        }

        var state = 0;
        using (var from = await InitAsync(fromPath))
        {
            for (; state < 2; state++)
            {
                await from.BackupAsync(states.Path(state), BackupOptions(state));
            }
        }

        var random = new Random(7);
        var midway = 0;
        var estimate = 10;
        for (var round = 0; round < Rounds; round++)
        {
            using (var from = await OpenAsync(new LocalBackend(fromPath)))
            {
                for (var i = 0; i < 2; i++, state++)
                {
                    await from.BackupAsync(states.Path(state), BackupOptions(state));
                }
            }

            var kill = await RunAndKillAsync(random.Next(1, estimate + 1), round, "copy", fromPath, toPath);
            midway += kill.Midway ? 1 : 0;
            await AssertValidAsync(toPath, states, dir);

            var counting = CountingBackend(toPath);
            using (var from = await OpenAsync(new LocalBackend(fromPath)))
            using (var to = await OpenAsync(counting))
            {
                await from.CopyToAsync(to, await from.ListSnapshotsAsync());
                Assert.Equal(state, (await to.ListSnapshotsAsync()).Count);
            }

            estimate = Math.Max(1, counting.Mutations);
            Restic.Run(toPath, "--no-lock", "check").EnsureSuccess("restic check after the next copy");
        }

        Assert.True(midway >= Rounds - 2, $"only {midway} of {Rounds} copies were killed before finishing");
        await AssertValidAsync(toPath, states, dir, expectedSnapshots: state);
        await AssertValidAsync(fromPath, states, dir, expectedSnapshots: state);
    }

    private static async Task<Repository> InitAsync(string path)
    {
        using var password = Secret.FromString(Restic.Password);
        return await Repository.InitAsync(new LocalBackend(path), password, Options);
    }

    private static async Task<Repository> OpenAsync(Keepsake.Repository.Backends.IBackend backend)
    {
        using var password = Secret.FromString(Restic.Password);
        return await Repository.OpenAsync(backend, password, Options);
    }

    private static AnnouncingBackend CountingBackend(string path) => new(new LocalBackend(path), TextWriter.Null, 0, 0);

    /// <summary>
    /// restic check --read-data passes, and every snapshot in the repository restores identically to
    /// the state it was made from. Returns the states of the snapshots there.
    /// </summary>
    private static async Task<List<int>> AssertValidAsync(string repoPath, States states, TempDirectory dir, int? expectedSnapshots = null)
    {
        Restic.Check(repoPath);
        using var repo = await OpenAsync(new LocalBackend(repoPath));
        var snapshots = await repo.ListSnapshotsAsync();
        if (expectedSnapshots is { } expected)
        {
            Assert.Equal(expected, snapshots.Count);
        }

        var found = new List<int>();
        foreach (var snapshot in snapshots)
        {
            var state = int.Parse(snapshot.Tags.Single(t => t.StartsWith("state:", StringComparison.Ordinal))["state:".Length..], CultureInfo.InvariantCulture);
            var target = dir.Combine("restored-" + Guid.NewGuid().ToString("N"));
            await repo.RestoreAsync(snapshot, target, new RestoreOptions { SubPath = "/data" });
            TestData.AssertSameTree(states.Path(state), target);
            Directory.Delete(target, recursive: true);
            found.Add(state);
        }

        return found;
    }

    /// <summary>
    /// Runs the helper and kills it (SIGKILL) right after it announces its <paramref name="killAfter"/>-th
    /// change. Midway means it was killed before finishing the operation.
    /// </summary>
    private static async Task<(bool Midway, int Mutations)> RunAndKillAsync(int killAfter, int seed, string operation, params string[] arguments)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { typeof(CrashHelperProgram).Assembly.Location, "crash", operation, MaxDelayMs.ToString(CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture) }.Concat(arguments))
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment[CrashHelperProgram.PasswordVariable] = Restic.Password;
        using var process = Process.Start(psi)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var mutations = 0;
        var killed = false;
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("mutation ", StringComparison.Ordinal) && ++mutations == killAfter)
                {
                    process.Kill(); // SIGKILL on Unix
                    killed = true;
                    break;
                }
            }
        }
        finally
        {
            if (!process.HasExited && !killed)
            {
                process.Kill();
            }
        }

        await process.WaitForExitAsync(CancellationToken.None);
        if (!killed && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"crash helper {operation} failed with exit code {process.ExitCode}: {stderr}");
        }

        return (killed, mutations);
    }

    /// <summary>
    /// Deterministic folders, one per state: 24 small files (some absent, a third changing with every
    /// state, or all with <c>allNew</c>) and a larger file of two chunks that changes every other state.
    /// </summary>
    private sealed class States(TempDirectory dir, bool allNew)
    {
        public string Path(int state)
        {
            var folder = dir.Combine("state-" + state.ToString(CultureInfo.InvariantCulture));
            if (Directory.Exists(folder))
            {
                return folder;
            }

            Directory.CreateDirectory(System.IO.Path.Combine(folder, "sub"));
            for (var j = 0; j < 24; j++)
            {
                if ((j + state) % 7 == 0)
                {
                    continue;
                }

                var version = allNew || j % 3 == 0 ? state : 0;
                var size = 5_000 + (j * 7919 % 75_000);
                var bytes = new byte[size];
                new Random((j * 1000) + version).NextBytes(bytes);
                File.WriteAllBytes(System.IO.Path.Combine(folder, j % 2 == 0 ? "sub" : string.Empty, $"file{j}.bin"), bytes);
            }

            TestData.CreateRandomFile(System.IO.Path.Combine(folder, "big.bin"), 1_300_000, seed: 100_000 + (allNew ? state : state / 2));
            return folder;
        }
    }
}
