using Keepsake.BackupFormat.Manifest;
using Keepsake.BackupFormat.Tests.Writer;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.BackupFormat.Tests.Manifest;

public sealed class ManifestDbReaderTests
{
    [Theory]
    [InlineData("'not an archive'", "TEXT")]
    [InlineData("12345", "INTEGER")]
    [InlineData("1.5", "REAL")]
    [InlineData("X'62706C6973743030D101'", null)]
    public void Entries_OneBadFileColumn_SkipsOnlyThatRowNamingIt(string value, string? typeName)
    {
        using var dir = new TempDirectory();
        var folder = BackupWriterTests.WriteSample(dir.Combine("backup"), null);
        var id = BackupFileId.Compute("HomeDomain", "Library/sixteen.bin");
        SetFileColumn(folder, id, value);

        using var reader = new ManifestDbReader(Path.Combine(folder, "Manifest.db"));
        var entries = reader.Entries().ToList();
        var all = reader.Count();

        Assert.Equal(all - 1, entries.Count);
        Assert.DoesNotContain(entries, e => e.FileId == id);
        var bad = Assert.Single(reader.UnreadableRows);
        Assert.Equal(BackupFormatError.CorruptManifest, bad.Error);
        Assert.Equal("HomeDomain/Library/sixteen.bin", bad.Path);
        Assert.Contains(id, bad.Message, StringComparison.Ordinal);
        if (typeName is not null)
        {
            Assert.Contains(typeName, bad.Message, StringComparison.Ordinal);
        }

        // A second enumeration does not count it twice.
        _ = reader.Entries().ToList();
        Assert.Single(reader.UnreadableRows);
    }

    [Fact]
    public void Extract_OneBadRow_SkipsItAndWritesTheRest()
    {
        using var dir = new TempDirectory();
        var folder = BackupWriterTests.WriteSample(dir.Combine("backup"), null);
        SetFileColumn(folder, BackupFileId.Compute("HomeDomain", "Library/empty.txt"), "'garbage'");

        using var backup = BackupFolder.Open(folder);
        var result = BackupExtractor.Extract(backup, dir.Combine("out"), new ExtractOptions());

        Assert.Equal(BackupWriterTests.SampleFiles.Length - 1, result.Files);
        var skip = Assert.Single(result.Skipped, s => s.Kind == ExtractSkipKind.Unreadable);
        Assert.Equal("HomeDomain/Library/empty.txt", skip.Entry);
        Assert.True(File.Exists(dir.Combine("out", "MediaDomain", "Media", "one.txt")));
    }

    internal static void SetFileColumn(string folder, string fileId, string sqlValue)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "Manifest.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE Files SET file = {sqlValue} WHERE fileID = $id";
        command.Parameters.AddWithValue("$id", fileId);
        Assert.Equal(1, command.ExecuteNonQuery());
    }
}
