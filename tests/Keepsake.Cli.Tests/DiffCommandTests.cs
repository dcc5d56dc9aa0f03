using System.Text.Json;
using Keepsake.BackupFormat.Writer;
using Keepsake.Plist;
using Keepsake.Primitives;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// <c>keepsake diff</c> names the phone's files (domain and path from each backup's Manifest), their sizes and a
/// summary by category, for plain and encrypted backups; its --json validates against docs/schemas/diff.schema.json.
/// </summary>
public sealed class DiffCommandTests
{
    private const string VaultPassword = "vault-pw-for-diff-tests";
    private const string BackupPassword = "backup-pw-for-diff-tests";
    private const string Udid = "00008030-0000DIFF00000001";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Diff_TwoBackupsOfAPhone_ListsThePhonesFilesAndSummarisesByCategory(bool encrypted)
    {
        using var dir = new TempDirectory();
        var vault = dir.Combine("vault");
        var env = new Dictionary<string, string> { ["KEEPSAKE_VAULT"] = vault, ["KEEPSAKE_PASSWORD"] = VaultPassword, ["KEEPSAKE_BACKUP_PASSWORD"] = BackupPassword };
        var folder = dir.Combine(Udid);
        var photo = Bytes(300_000, 1);
        var sms = Bytes(40_000, 2);
        var notes = Bytes(5_000, 3);
        var app = Bytes(7_000, 4);
        byte[]? keybag = null;

        // First backup: a photo, the messages database, a note and an app's file.
        keybag = Write(folder, encrypted, keybag, [
            ("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.HEIC", photo),
            ("HomeDomain", "Library/SMS/sms.db", sms),
            ("AppDomainGroup-group.com.apple.notes", "NoteStore.sqlite", notes),
            ("AppDomain-com.example.app", "Documents/data.bin", app),
        ]);
        KeepsakeProcess.Run(["import", folder], env).EnsureSuccess("keepsake import (first)");

        // Second: one more photo, the messages database grown, the app removed, the note unchanged.
        Directory.Delete(folder, recursive: true);
        var newPhoto = Bytes(600_000, 5);
        var grownSms = Bytes(45_000, 6);
        Write(folder, encrypted, keybag, [
            ("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.HEIC", photo),
            ("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0002.HEIC", newPhoto),
            ("HomeDomain", "Library/SMS/sms.db", grownSms),
            ("AppDomainGroup-group.com.apple.notes", "NoteStore.sqlite", notes),
        ]);
        KeepsakeProcess.Run(["import", folder], env).EnsureSuccess("keepsake import (second)");
        var snapshots = JsonDocument.Parse(KeepsakeProcess.Run(["snapshots", "--json"], env).EnsureSuccess("keepsake snapshots").StandardOutput)
            .RootElement.EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList();
        Assert.Equal(2, snapshots.Count);

        var text = KeepsakeProcess.Run(["diff", snapshots[0], snapshots[1]], env).EnsureSuccess("keepsake diff").StandardOutput;

        var lines = text.Split('\n').Where(l => l.Length > 2 && l[0] is '+' or '-' or 'M' && l[1] == ' ').ToList();
        Assert.Equal(
            [
                "-  AppDomain-com.example.app Documents/data.bin (6.84 KiB)",
                "+  CameraRollDomain Media/DCIM/100APPLE/IMG_0002.HEIC (585.94 KiB)",
                "M  HomeDomain Library/SMS/sms.db (43.95 KiB, was 39.06 KiB)",
            ],
            lines);
        Assert.Contains("Photos: 1 file added (585.94 KiB)", text, StringComparison.Ordinal);
        Assert.Contains("Messages: 1 file changed (43.95 KiB)", text, StringComparison.Ordinal);
        Assert.Contains("Apps: 1 file removed (6.84 KiB)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Notes", text, StringComparison.Ordinal);

        var json = KeepsakeProcess.Run(["diff", snapshots[0][..8], "latest", "--json"], env).EnsureSuccess("keepsake diff --json").StandardOutput;
        var changes = JsonDocument.Parse(json).RootElement.EnumerateArray()
            .Select(c => $"{c.GetProperty("change").GetString()} {c.GetProperty("category").GetString()} {c.GetProperty("domain").GetString()} {c.GetProperty("path").GetString()} {c.GetProperty("size").GetInt64()}")
            .ToList();
        Assert.Equal(
            [
                "removed apps AppDomain-com.example.app Documents/data.bin 7000",
                "added photos CameraRollDomain Media/DCIM/100APPLE/IMG_0002.HEIC 600000",
                "changed messages HomeDomain Library/SMS/sms.db 45000",
            ],
            changes);
        ValidateAgainstSchema(dir, json);
    }

    [Fact]
    public void Diff_EncryptedWithoutBackupPassword_ExitsPasswordRequired()
    {
        using var dir = new TempDirectory();
        var vault = dir.Combine("vault");
        var env = new Dictionary<string, string> { ["KEEPSAKE_VAULT"] = vault, ["KEEPSAKE_PASSWORD"] = VaultPassword, ["KEEPSAKE_BACKUP_PASSWORD"] = BackupPassword };
        var folder = dir.Combine(Udid);
        Write(folder, encrypted: true, null, [("HomeDomain", "Library/a.bin", Bytes(10, 1))]);
        KeepsakeProcess.Run(["import", folder], env).EnsureSuccess("keepsake import");

        var noPassword = new Dictionary<string, string>(env) { ["KEEPSAKE_BACKUP_PASSWORD"] = string.Empty };
        var result = KeepsakeProcess.Run(["diff", "latest", "latest"], noPassword);

        Assert.Equal(ExitCodes.PasswordRequired, result.ExitCode);
    }

    private static byte[]? Write(string folder, bool encrypted, byte[]? keybag, (string Domain, string Path, byte[] Content)[] files)
    {
        using var password = encrypted ? Secret.FromString(BackupPassword) : null;
        using (var writer = BackupWriter.Create(folder, new BackupWriterOptions { Udid = Udid, Password = password, DoubleProtectionIterations = 10, Iterations = 10, Keybag = keybag }))
        {
            foreach (var (domain, path, content) in files)
            {
                if (encrypted)
                {
                    // A real phone re-sends only what changed: an unchanged file keeps its key, so its stored bytes stay the same.
                    writer.AddFile(domain, path, new MemoryStream(content), null, System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(domain + "-" + path)));
                }
                else
                {
                    writer.AddFile(domain, path, new MemoryStream(content));
                }
            }

            writer.Complete();
        }

        return encrypted ? keybag ?? PlistReader.ReadFile(Path.Combine(folder, "Manifest.plist")).AsDictionary().GetData("BackupKeyBag") : null;
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static void ValidateAgainstSchema(TempDirectory dir, string json)
    {
        var document = dir.Combine("diff.json");
        File.WriteAllText(document, json);
        var schema = Path.Combine(Fixtures.ProjectRoot, "docs", "schemas", "diff.schema.json");
        const string Script = "import json,sys\nfrom jsonschema import Draft202012Validator\nv=Draft202012Validator(json.load(open(sys.argv[1])))\nerrors=list(v.iter_errors(json.load(open(sys.argv[2]))))\n[print(e.message) for e in errors]\nsys.exit(1 if errors else 0)\n";
        ExternalTool.Run("/usr/bin/python3", ["-c", Script, schema, document], TimeSpan.FromMinutes(1)).EnsureSuccess("jsonschema validation of keepsake diff --json");
    }
}
