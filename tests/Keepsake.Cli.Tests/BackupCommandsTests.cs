using System.Text.Json;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

public sealed class BackupCommandsTests
{
    [FixtureFact("mvt-ios-backup")]
    public void Ls_Json_PrintsOneArrayWithEveryManifestEntry()
    {
        var result = KeepsakeProcess.Run(["ls", Fixtures.Path("mvt-ios-backup"), "--json"]).EnsureSuccess("keepsake ls --json");
        using var document = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
        var entries = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(3721, entries.Count);
        Assert.Equal(1089, entries.Count(e => e.GetProperty("kind").GetString() == "file"));
        Assert.Contains(entries, e => e.GetProperty("fileId").GetString() == "3d0d7e5fb2ce288813306e4d4636395e047a3d28"
                                      && e.GetProperty("relativePath").GetString() == "Library/SMS/sms.db");
    }

    [FixtureFact("mvt-ios-backup")]
    public void Ls_DomainAndPrefix_FiltersEntries()
    {
        var result = KeepsakeProcess.Run(["ls", Fixtures.Path("mvt-ios-backup"), "--domain", "HomeDomain", "Library/SMS/", "--json"]).EnsureSuccess("keepsake ls");
        using var document = JsonDocument.Parse(result.StandardOutput);
        var entries = document.RootElement.EnumerateArray().ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, e =>
        {
            Assert.Equal("HomeDomain", e.GetProperty("domain").GetString());
            Assert.StartsWith("Library/SMS/", e.GetProperty("relativePath").GetString(), StringComparison.Ordinal);
        });
    }

    [FixtureFact("mvt-ios-backup")]
    public void Info_Json_ReportsDeviceAndCounts()
    {
        var result = KeepsakeProcess.Run(["info", Fixtures.Path("mvt-ios-backup"), "--json"]).EnsureSuccess("keepsake info");
        using var document = JsonDocument.Parse(result.StandardOutput);
        var info = Assert.Single(document.RootElement.EnumerateArray().ToList());
        Assert.Equal("14.3", info.GetProperty("iosVersion").GetString());
        Assert.Equal("iPhone9,3", info.GetProperty("productType").GetString());
        Assert.Equal(1089, info.GetProperty("files").GetInt32());
        Assert.Equal(2618, info.GetProperty("directories").GetInt32());
        Assert.Equal(14, info.GetProperty("symlinks").GetInt32());
        Assert.False(info.GetProperty("encrypted").GetBoolean());
    }

    [FixtureFact("mvt-ios-backup")]
    public void Backups_Json_FindsTheBackupInAGivenFolder()
    {
        var result = KeepsakeProcess.Run(["backups", Path.GetDirectoryName(Fixtures.Path("mvt-ios-backup"))!, "--json"]).EnsureSuccess("keepsake backups");
        using var document = JsonDocument.Parse(result.StandardOutput);
        var mvt = Assert.Single(document.RootElement.EnumerateArray(), b => b.GetProperty("path").GetString()!.EndsWith("mvt-ios-backup", StringComparison.Ordinal));
        Assert.Equal("14.3", mvt.GetProperty("iosVersion").GetString());
        Assert.True(mvt.GetProperty("sizeBytes").GetInt64() > 3_000_000);
    }

    [FixtureFact("pyiosbackup-encrypted-mini")]
    public void Extract_EncryptedWithPasswordVariable_WritesDecryptedFile()
    {
        using var dest = new TempDirectory();
        KeepsakeProcess.Run(
            ["extract", Fixtures.Path("pyiosbackup-encrypted-mini", "ios10-sqlite"), dest.Path],
            new Dictionary<string, string> { ["KEEPSAKE_BACKUP_PASSWORD"] = "0000" }).EnsureSuccess("keepsake extract");
        Assert.Equal("Test data", File.ReadAllText(Path.Combine(dest.Path, "MyTestDomain", "Media", "Test.txt")));
    }

    [FixtureFact("pyiosbackup-encrypted-mini")]
    public void Extract_WrongPasswordFromFile_ExitsWrongPasswordAndWritesNothing()
    {
        using var dir = new TempDirectory();
        var passwordFile = dir.Combine("password.txt");
        File.WriteAllText(passwordFile, "not-the-password\n");
        var target = dir.Combine("out");
        var result = KeepsakeProcess.Run(["extract", Fixtures.Path("pyiosbackup-encrypted-mini", "ios10-sqlite"), target, "--password-file", passwordFile]);
        Assert.Equal(12, result.ExitCode);
        Assert.Contains("password", result.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("not-the-password", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any());
    }

    [FixtureFact("pyiosbackup-encrypted-mini")]
    public void Ls_EncryptedWithoutPasswordOrTerminal_ExitsPasswordRequired()
    {
        var result = KeepsakeProcess.Run(["ls", Fixtures.Path("pyiosbackup-encrypted-mini", "ios10-sqlite")]);
        Assert.Equal(13, result.ExitCode);
        Assert.Contains("KEEPSAKE_BACKUP_PASSWORD", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Info_MissingFolder_ExitsNotFound()
    {
        var result = KeepsakeProcess.Run(["info", Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}")]);
        Assert.Equal(4, result.ExitCode);
        Assert.Contains("does not exist", result.StandardError, StringComparison.Ordinal);
    }
}
