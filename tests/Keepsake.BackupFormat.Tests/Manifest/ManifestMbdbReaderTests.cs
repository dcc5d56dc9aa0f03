using Keepsake.BackupFormat.Manifest;
using Keepsake.TestKit;

namespace Keepsake.BackupFormat.Tests.Manifest;

public sealed class ManifestMbdbReaderTests
{
    [FixtureFact("legacy-mbdb-ios4")]
    public void ReadEntries_Ios4Mbdb_Counts4715RecordsIn50Domains()
    {
        using var reader = ManifestMbdbReader.Open(Fixtures.Path("legacy-mbdb-ios4", "5_Manifest.mbdb"));
        var entries = reader.ReadEntries().ToList();
        Assert.Equal(4715, entries.Count);
        Assert.Equal(4000, entries.Count(e => e.Kind == BackupEntryKind.File));
        Assert.Equal(635, entries.Count(e => e.Kind == BackupEntryKind.Directory));
        Assert.Equal(80, entries.Count(e => e.Kind == BackupEntryKind.Symlink));
        Assert.Equal(50, entries.Select(e => e.Domain).Distinct().Count());
        Assert.All(entries, e => Assert.Null(e.EncryptionKey));
        Assert.All(entries.Where(e => e.Kind == BackupEntryKind.Symlink), e => Assert.False(string.IsNullOrEmpty(e.SymlinkTarget)));
        var sms = Assert.Single(entries, e => e.Domain == "HomeDomain" && e.RelativePath == "Library/SMS/sms.db");
        Assert.Equal("3d0d7e5fb2ce288813306e4d4636395e047a3d28", sms.FileId);
        Assert.True(sms.Size > 0);
        Assert.Equal(0x8000, sms.Mode & 0xF000);
        Assert.True(sms.LastModified > new DateTimeOffset(2008, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Contains(entries, e => e.Domain == "WirelessDomain" && e.RelativePath == "Library/CallHistory/call_history.db");
        Assert.Equal(new FileInfo(Fixtures.Path("legacy-mbdb-ios4", "5_Manifest.mbdb")).Length, reader.Offset);
    }

    [Fact]
    public void ReadNext_BadMagic_ThrowsCorruptManifest()
    {
        using var reader = new ManifestMbdbReader(new MemoryStream("mbdx\x02\x00"u8.ToArray()));
        var e = Assert.Throws<BackupFormatException>(() => reader.ReadNext());
        Assert.Equal(BackupFormatError.CorruptManifest, e.Error);
    }

    [Fact]
    public void ReadNext_TruncatedRecord_ThrowsCorruptManifestWithOffset()
    {
        var bytes = "mbdb\x05\x00"u8.ToArray().Concat(new byte[] { 0, 4, (byte)'H', (byte)'o', (byte)'m', (byte)'e', 0, 1, (byte)'a', 0xFF }).ToArray();
        using var reader = new ManifestMbdbReader(new MemoryStream(bytes));
        var e = Assert.Throws<BackupFormatException>(() => reader.ReadNext());
        Assert.Equal(BackupFormatError.CorruptManifest, e.Error);
        Assert.Contains("offset 6", e.Message, StringComparison.Ordinal);
    }
}
