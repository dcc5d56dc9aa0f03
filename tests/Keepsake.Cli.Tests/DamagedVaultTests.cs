using System.Text.Json;
using Keepsake.Primitives;
using Keepsake.Repository;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Trees;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// Each kind of vault file flipped by one byte or deleted, then what every command still does, checked
/// against restic 0.14 on the same damaged copy: a damaged snapshot or index file costs only itself,
/// a damaged pack only the files whose data it held, and a damaged config or only key file is named.
/// </summary>
public sealed class DamagedVaultTests(DamagedVaultFixture vault) : IClassFixture<DamagedVaultFixture>
{
    public enum Damage
    {
        Flip,
        Delete,
    }

    [FixtureTheory("mvt-ios-backup", "pyiosbackup-encrypted-mini")]
    [InlineData(Damage.Flip)]
    [InlineData(Damage.Delete)]
    public void SnapshotFile_Damaged_CostsOnlyItselfAndRepairMakesResticCheckClean(Damage damage)
    {
        using var dir = new TempDirectory();
        var repo = vault.CopyVault(dir);
        var env = DamagedVaultFixture.Env(repo);
        Apply(damage, Path.Combine(repo, "snapshots", vault.SnapshotB));

        // The listing names the damaged file, still lists the other, and says it is partial.
        var listing = KeepsakeProcess.Run(["snapshots", "--json"], env);
        Assert.Equal(damage == Damage.Flip ? 3 : 0, listing.ExitCode);
        Assert.Equal([vault.SnapshotA], Json(listing).Select(s => s.GetProperty("id").GetString()));
        if (damage == Damage.Flip)
        {
            Assert.Contains($"snapshot file {vault.SnapshotB} is damaged", listing.StandardError, StringComparison.Ordinal);
            var asked = KeepsakeProcess.Run(["restore", vault.SnapshotB[..8], "--to-folder", dir.Combine("b")], env);
            Assert.Equal(5, asked.ExitCode);
            Assert.Contains(vault.SnapshotB, asked.StandardError, StringComparison.Ordinal);
            Assert.Equal(3, KeepsakeProcess.Run(["forget", "--keep-last", "5", "--dry-run"], env).ExitCode);
        }

        // The intact snapshot restores, by ID and as "latest", as restic restores it from the same copy.
        KeepsakeProcess.Run(["restore", vault.SnapshotA, "--to-folder", dir.Combine("a")], env).EnsureSuccess("keepsake restore A");
        AssertSameFiles(vault.PhoneA, dir.Combine("a", "phoneA"), NoFiles);
        KeepsakeProcess.Run(["restore", "latest", "--to-folder", dir.Combine("latest")], env).EnsureSuccess("keepsake restore latest");
        Restic(repo, "restore", vault.SnapshotA, "--target", dir.Combine("restic-a")).EnsureSuccess("restic restore A from the damaged copy");

        // repair snapshots --forget removes the unreadable file; restic then finds nothing wrong.
        if (damage == Damage.Flip)
        {
            Assert.NotEqual(0, Restic(repo, "check", "--read-data").ExitCode);
        }

        var repair = KeepsakeProcess.Run(["repair", "snapshots", "--forget"], env).EnsureSuccess("keepsake repair snapshots --forget");
        Assert.Contains("1 snapshots intact", repair.StandardOutput, StringComparison.Ordinal);
        Restic(repo, "check", "--read-data").EnsureSuccess("restic check after keepsake repair snapshots");
        Assert.Equal(0, KeepsakeProcess.Run(["snapshots"], env).ExitCode);
    }

    [FixtureTheory("mvt-ios-backup", "pyiosbackup-encrypted-mini")]
    [InlineData(Damage.Flip)]
    [InlineData(Damage.Delete)]
    public void IndexFile_Damaged_SnapshotsStillRestoreAndRepairIndexDoesWhatRebuildIndexDoes(Damage damage)
    {
        using var dir = new TempDirectory();
        var repo = vault.CopyVault(dir);
        var env = DamagedVaultFixture.Env(repo);
        Apply(damage, Path.Combine(repo, "index", vault.IndexOfA));
        var twin = dir.CopyFrom(repo, "twin");
        Assert.NotEqual(0, Restic(repo, "check", "--read-data").ExitCode);

        // Every snapshot still lists and restores (the packs are found through their headers).
        Assert.Equal(2, Json(KeepsakeProcess.Run(["snapshots", "--json"], env).EnsureSuccess("keepsake snapshots")).Count);
        var restore = KeepsakeProcess.Run(["restore", vault.SnapshotA, "--to-folder", dir.Combine("a")], env).EnsureSuccess("keepsake restore A");
        AssertSameFiles(vault.PhoneA, dir.Combine("a", "phoneA"), NoFiles);
        if (damage == Damage.Flip)
        {
            Assert.Contains($"index file {vault.IndexOfA} is damaged", restore.StandardError, StringComparison.Ordinal);
        }

        KeepsakeProcess.Run(["restore", vault.SnapshotB, "--to-folder", dir.Combine("b")], env).EnsureSuccess("keepsake restore B");
        AssertSameFiles(vault.PhoneB, dir.Combine("b", "phoneB"), NoFiles);

        // restic's rebuild-index mends the twin; keepsake repair index mends this one just as well.
        Restic(twin, "rebuild-index").EnsureSuccess("restic rebuild-index");
        Restic(twin, "check", "--read-data").EnsureSuccess("restic check after restic rebuild-index");
        KeepsakeProcess.Run(["repair", "index"], env).EnsureSuccess("keepsake repair index");
        Assert.False(File.Exists(Path.Combine(repo, "index", vault.IndexOfA)));
        Restic(repo, "check", "--read-data").EnsureSuccess("restic check after keepsake repair index");
        KeepsakeProcess.Run(["check", "--read-data"], env).EnsureSuccess("keepsake check after repair index");
    }

    [FixtureTheory("mvt-ios-backup", "pyiosbackup-encrypted-mini")]
    [InlineData(Damage.Flip)]
    [InlineData(Damage.Delete)]
    public void DataPack_Damaged_CostsOnlyTheFilesItHeld(Damage damage)
    {
        using var dir = new TempDirectory();
        var repo = vault.CopyVault(dir);
        var env = DamagedVaultFixture.Env(repo);

        // Flip: one byte inside the first blob of a file the backup's Manifest lists. Delete: a pack that
        // does not hold Manifest.db. Which files that costs is read from the intact vault beforehand.
        var (files, blobs) = SnapshotAFiles(repo);
        var manifestBlobs = files["Manifest.db"].ToHashSet();
        string pack;
        HashSet<ObjectId> lost;
        if (damage == Damage.Flip)
        {
            var victim = files.Keys.Where(f => f.StartsWith("7c/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).First();
            var blob = blobs[files[victim][0]];
            pack = blob.PackId.ToString();
            FlipAt(PackPath(repo, pack), blob.Offset + 20);
            lost = [blob.Id];
        }
        else
        {
            pack = vault.DataPacksOfA.First(p => !blobs.Values.Any(b => manifestBlobs.Contains(b.Id) && b.PackId.ToString() == p));
            File.Delete(PackPath(repo, pack));
            lost = [.. blobs.Values.Where(b => b.PackId.ToString() == pack).Select(b => b.Id)];
        }

        var damaged = files.Where(f => f.Value.Any(lost.Contains)).Select(f => f.Key).ToHashSet();
        Assert.NotEmpty(damaged);
        Assert.True(damaged.Count < files.Count, "the damage should cost some files, not all");

        // restore: everything else byte for byte, the damaged files named, exit 3.
        var restore = KeepsakeProcess.Run(["restore", vault.SnapshotA, "--to-folder", dir.Combine("a")], env);
        Assert.True(restore.ExitCode == 3, $"restore exited {restore.ExitCode}: {restore.StandardError}");
        foreach (var file in damaged)
        {
            Assert.Contains($"/phoneA/{file}: not restored", restore.StandardError, StringComparison.Ordinal);
            Assert.Contains(pack, restore.StandardError, StringComparison.Ordinal);
        }

        // A restore that lost files stays marked incomplete (issue 12), so that info never calls it complete.
        var marker = dir.Combine("a", "phoneA", ".keepsake-restore-incomplete");
        Assert.True(File.Exists(marker), "a partial restore is marked incomplete");
        File.Delete(marker);
        AssertSameFiles(vault.PhoneA, dir.Combine("a", "phoneA"), damaged);
        Assert.Empty(Directory.EnumerateFiles(dir.Combine("a"), "*.tmp", SearchOption.AllDirectories));

        // The other snapshot is untouched.
        KeepsakeProcess.Run(["restore", vault.SnapshotB, "--to-folder", dir.Combine("b")], env).EnsureSuccess("keepsake restore B");

        // extract reads the snapshot through its Manifest: a damaged listed file is skipped, the rest written.
        var extract = KeepsakeProcess.Run(["extract", vault.SnapshotA, dir.Combine("x")], env);
        Assert.True(damage == Damage.Flip ? extract.ExitCode == 3 : extract.ExitCode is 0 or 3, $"extract exited {extract.ExitCode}: {extract.StandardError}");
        // (The fixture's Manifest lists a few files its folder lacks: those are "missing" with or without damage.)
        var skipped = extract.StandardError.Split('\n').Where(l => l.StartsWith("skipped:", StringComparison.Ordinal) && l.Contains("damaged in the vault", StringComparison.Ordinal)).ToList();
        if (damage == Damage.Flip)
        {
            Assert.Contains(pack, Assert.Single(skipped), StringComparison.Ordinal);
        }

        Assert.NotEmpty(Directory.EnumerateFiles(dir.Combine("x"), "*", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(dir.Combine("x"), "*.partial", SearchOption.AllDirectories));
        if (damage == Damage.Delete)
        {
            // A lost pack: repair index, then repair snapshots --forget, and restic finds the vault sound;
            // the repaired snapshot restores whole, without the files that needed the pack.
            KeepsakeProcess.Run(["repair", "index"], env).EnsureSuccess("keepsake repair index");
            var repair = KeepsakeProcess.Run(["repair", "snapshots", "--forget"], env).EnsureSuccess("keepsake repair snapshots --forget");
            foreach (var file in damaged)
            {
                Assert.Contains($"/phoneA/{file}: file: removed", repair.StandardOutput, StringComparison.Ordinal);
            }

            Restic(repo, "check", "--read-data").EnsureSuccess("restic check after keepsake repair");
            var repaired = Json(KeepsakeProcess.Run(["snapshots", "--json"], env).EnsureSuccess("keepsake snapshots")).Select(s => s.GetProperty("id").GetString()!).Except([vault.SnapshotB]).Single();
            Assert.NotEqual(vault.SnapshotA, repaired);
            KeepsakeProcess.Run(["restore", repaired, "--to-folder", dir.Combine("repaired")], env).EnsureSuccess("keepsake restore of the repaired snapshot");
            foreach (var file in Directory.EnumerateFiles(vault.PhoneA, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(vault.PhoneA, f)))
            {
                var copy = new FileInfo(dir.Combine("repaired", "phoneA", file));
                Assert.True(copy.Exists, $"{file} is missing from the repaired snapshot");
                if (damaged.Contains(file))
                {
                    Assert.True(copy.Length < new FileInfo(Path.Combine(vault.PhoneA, file)).Length, $"{file} keeps only what is left");
                }
                else
                {
                    Assert.True(File.ReadAllBytes(Path.Combine(vault.PhoneA, file)).AsSpan().SequenceEqual(File.ReadAllBytes(copy.FullName)), $"{file} differs");
                }
            }
        }
    }

    [FixtureTheory("mvt-ios-backup", "pyiosbackup-encrypted-mini")]
    [InlineData(Damage.Flip)]
    [InlineData(Damage.Delete)]
    public void TreePack_Damaged_OtherSnapshotsRestoreAndTheDamagedOneIsNamed(Damage damage)
    {
        using var dir = new TempDirectory();
        var repo = vault.CopyVault(dir);
        var env = DamagedVaultFixture.Env(repo);
        var pack = vault.TreePacksOfA[0];
        Apply(damage, PackPath(repo, pack));

        Assert.Equal(2, Json(KeepsakeProcess.Run(["snapshots", "--json"], env).EnsureSuccess("keepsake snapshots")).Count);
        KeepsakeProcess.Run(["restore", vault.SnapshotB, "--to-folder", dir.Combine("b")], env).EnsureSuccess("keepsake restore B");
        AssertSameFiles(vault.PhoneB, dir.Combine("b", "phoneB"), NoFiles);
        Restic(repo, "restore", vault.SnapshotB, "--target", dir.Combine("restic-b")).EnsureSuccess("restic restore B from the damaged copy");

        var restore = KeepsakeProcess.Run(["restore", vault.SnapshotA, "--to-folder", dir.Combine("a")], env);
        Assert.True(restore.ExitCode is 3 or 5, $"restore exited {restore.ExitCode}: {restore.StandardError}");
        Assert.Contains(pack, restore.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", restore.StandardError, StringComparison.Ordinal);
    }

    [FixtureTheory("mvt-ios-backup", "pyiosbackup-encrypted-mini")]
    [InlineData(Damage.Flip)]
    [InlineData(Damage.Delete)]
    public void Config_Damaged_EveryCommandFailsNamingIt(Damage damage)
    {
        using var dir = new TempDirectory();
        var repo = vault.CopyVault(dir);
        var env = DamagedVaultFixture.Env(repo);
        Apply(damage, Path.Combine(repo, "config"));
        foreach (var args in new[] { ["snapshots"], ["restore", vault.SnapshotA, "--to-folder", dir.Combine("a")], ["check"], new[] { "import", vault.PhoneB } })
        {
            var result = KeepsakeProcess.Run(args, env);
            Assert.True(result.ExitCode == 5, $"{args[0]} exited {result.ExitCode}: {result.StandardError}");
            Assert.Contains("config", result.StandardError, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(dir.Combine("a")));
        Assert.Equal(damage == Damage.Delete, !File.Exists(Path.Combine(repo, "config")));
    }

    [FixtureTheory("mvt-ios-backup", "pyiosbackup-encrypted-mini")]
    [InlineData(Damage.Flip)]
    [InlineData(Damage.Delete)]
    public void KeyFile_Damaged_NamedWhenItIsTheOnlyOneAndASecondKeyStillOpens(Damage damage)
    {
        using var dir = new TempDirectory();
        var repo = vault.CopyVault(dir);
        var env = DamagedVaultFixture.Env(repo);
        var key = Path.GetFileName(Assert.Single(Directory.EnumerateFiles(Path.Combine(repo, "keys"))));
        var twin = dir.CopyFrom(repo, "twin");

        Apply(damage, Path.Combine(repo, "keys", key));
        var alone = KeepsakeProcess.Run(["snapshots"], env);
        Assert.True(alone.ExitCode is 5 or 12, $"snapshots exited {alone.ExitCode}: {alone.StandardError}");
        Assert.Contains(damage == Damage.Flip ? key : "no key file", alone.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(0, Restic(repo, "snapshots").ExitCode);

        // With a second key for the same password, the vault opens (as with restic) and works.
        using (var repository = Repository.Repository.OpenAsync(new LocalBackend(twin), Secret.FromString(DamagedVaultFixture.Password)).GetAwaiter().GetResult())
        {
            repository.AddKeyAsync(Secret.FromString(DamagedVaultFixture.Password)).GetAwaiter().GetResult();
        }

        Apply(damage, Path.Combine(twin, "keys", key));
        Assert.Equal(2, Json(KeepsakeProcess.Run(["snapshots", "--json"], DamagedVaultFixture.Env(twin)).EnsureSuccess("keepsake snapshots with a second key")).Count);
        if (damage == Damage.Delete)
        {
            // restic 0.14 opens with the second key too; with a key file whose JSON is damaged it stops
            // at that file ("Unmarshal: invalid character") instead of trying the next, so only the
            // deletion is compared.
            Restic(twin, "snapshots").EnsureSuccess("restic snapshots with a second key");
        }
    }

    private static readonly HashSet<string> NoFiles = [];

    private static void Apply(Damage damage, string path)
    {
        Assert.True(File.Exists(path), $"{path} does not exist");
        if (damage == Damage.Delete)
        {
            File.Delete(path);
        }
        else
        {
            FlipAt(path, new FileInfo(path).Length / 2);
        }
    }

    private static void FlipAt(string path, long offset)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var b = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(b ^ 0x01));
    }

    private static string PackPath(string repo, string pack) => Path.Combine(repo, "data", pack[..2], pack);

    /// <summary>Snapshot A's files (relative to the backup folder) with their content blobs, and where each blob is.</summary>
    private (Dictionary<string, List<ObjectId>> Files, Dictionary<ObjectId, Repository.Packs.PackedBlob> Blobs) SnapshotAFiles(string repo)
    {
        using var repository = Repository.Repository.OpenAsync(new LocalBackend(repo), Secret.FromString(DamagedVaultFixture.Password)).GetAwaiter().GetResult();
        var snapshot = repository.LoadSnapshotAsync(ObjectId.Parse(vault.SnapshotA)).GetAwaiter().GetResult();
        var index = repository.GetIndexAsync().GetAwaiter().GetResult();
        var root = snapshot.Paths[0].TrimEnd('/') + "/";
        var files = new Dictionary<string, List<ObjectId>>(StringComparer.Ordinal);
        var blobs = new Dictionary<ObjectId, Repository.Packs.PackedBlob>();
        foreach (var entry in repository.EnumerateAsync(snapshot).ToBlockingEnumerable())
        {
            if (entry.Node.Type == NodeType.File && entry.Path.StartsWith(root, StringComparison.Ordinal))
            {
                files[entry.Path[root.Length..]] = [.. entry.Node.Content ?? []];
                foreach (var id in entry.Node.Content ?? [])
                {
                    blobs[id] = index.Find(id, BlobType.Data)!;
                }
            }
        }

        return (files, blobs);
    }

    private static void AssertSameFiles(string expected, string actual, IReadOnlySet<string> except)
    {
        var e = Directory.EnumerateFiles(expected, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(expected, f)).Where(f => !except.Contains(f)).Order(StringComparer.Ordinal).ToList();
        var a = Directory.EnumerateFiles(actual, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(actual, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(e, a);
        foreach (var file in e)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))), $"{file} differs");
        }
    }

    private static List<JsonElement> Json(ToolResult result) =>
        JsonDocument.Parse(result.StandardOutput).RootElement.EnumerateArray().ToList();

    private static ToolResult Restic(string repo, params string[] args) =>
        ExternalTool.Run("restic", ["--no-cache", "--no-lock", "-r", repo, .. args], TimeSpan.FromMinutes(3), new Dictionary<string, string> { ["RESTIC_PASSWORD"] = DamagedVaultFixture.Password });
}
