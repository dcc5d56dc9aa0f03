using System.Text.Json;
using Keepsake.Primitives;
using Keepsake.Repository.Backends.Local;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// A vault made once by the real <c>keepsake import</c>, for <see cref="DamagedVaultTests"/> to copy and
/// damage: snapshot A of a plain backup folder with three 7 MiB incompressible files added (so its data
/// spans several packs), and snapshot B of an encrypted one, imported separately (their own packs,
/// index file and snapshot file). Built on first use, so that skipped tests cost nothing.
/// </summary>
public sealed class DamagedVaultFixture : IDisposable
{
    public const string Password = "damaged-vault-pw";

    private readonly Lazy<Built> _built;
    private readonly TempDirectory _dir = new("keepsake-damaged");

    public DamagedVaultFixture()
    {
        _built = new Lazy<Built>(Build);
    }

    public string PhoneA => _built.Value.PhoneA;

    public string PhoneB => _built.Value.PhoneB;

    public string SnapshotA => _built.Value.SnapshotA;

    public string SnapshotB => _built.Value.SnapshotB;

    /// <summary>The index file that import A wrote.</summary>
    public string IndexOfA => _built.Value.IndexOfA;

    /// <summary>The packs of data blobs that import A wrote.</summary>
    public IReadOnlyList<string> DataPacksOfA => _built.Value.DataPacksOfA;

    /// <summary>The packs of tree blobs that import A wrote.</summary>
    public IReadOnlyList<string> TreePacksOfA => _built.Value.TreePacksOfA;

    /// <summary>A fresh copy of the vault (under <paramref name="into"/>) to damage.</summary>
    public string CopyVault(TempDirectory into) => into.CopyFrom(_built.Value.Vault, "vault");

    public static Dictionary<string, string> Env(string vault) => new()
    {
        ["KEEPSAKE_VAULT"] = vault,
        ["KEEPSAKE_PASSWORD"] = Password,
    };

    public void Dispose() => _dir.Dispose();

    private Built Build()
    {
        var vault = _dir.Combine("vault");
        var phoneA = _dir.CopyFrom(Fixtures.Path("mvt-ios-backup"), "phoneA");
        var random = new Random(9);
        Directory.CreateDirectory(Path.Combine(phoneA, "zz"));
        for (var i = 1; i <= 3; i++)
        {
            var bytes = new byte[7 * 1024 * 1024];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(phoneA, "zz", $"zz0000000000000000000000000000000000000{i}"), bytes);
        }

        var phoneB = _dir.CopyFrom(Fixtures.Path("pyiosbackup-encrypted-mini", "ios10-sqlite"), "phoneB");
        var env = Env(vault);
        KeepsakeProcess.Run(["import", phoneA], env).EnsureSuccess("keepsake import A");
        var indexA = Names(vault, "index");
        var snapshotsA = Names(vault, "snapshots");
        var packsA = Names(vault, "data");
        KeepsakeProcess.Run(["import", phoneB], env).EnsureSuccess("keepsake import B");
        var snapshots = JsonDocument.Parse(KeepsakeProcess.Run(["snapshots", "--json"], env).EnsureSuccess("keepsake snapshots").StandardOutput).RootElement.EnumerateArray().ToList();
        var snapshotA = Assert.Single(snapshotsA);
        var snapshotB = Assert.Single(snapshots, s => s.GetProperty("id").GetString() != snapshotA).GetProperty("id").GetString()!;

        // Which of A's packs hold trees, read through the library (the test's own view of the vault).
        using var repository = Repository.Repository.OpenAsync(new LocalBackend(vault), Secret.FromString(Password)).GetAwaiter().GetResult();
        var index = repository.GetIndexAsync().GetAwaiter().GetResult();
        var treePacks = packsA.Where(p => index.Packs[Repository.ObjectId.Parse(p)].Any(b => b.Type == Repository.BlobType.Tree)).ToList();
        var dataPacks = packsA.Except(treePacks).ToList();
        Assert.True(dataPacks.Count >= 2, $"import A should make several data packs, made {dataPacks.Count}");
        Assert.NotEmpty(treePacks);
        return new Built(vault, phoneA, phoneB, snapshotA, snapshotB, Assert.Single(indexA), dataPacks, treePacks);
    }

    private static List<string> Names(string vault, string folder) =>
        [.. Directory.EnumerateFiles(Path.Combine(vault, folder), "*", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    private sealed record Built(string Vault, string PhoneA, string PhoneB, string SnapshotA, string SnapshotB, string IndexOfA, IReadOnlyList<string> DataPacksOfA, IReadOnlyList<string> TreePacksOfA);
}
