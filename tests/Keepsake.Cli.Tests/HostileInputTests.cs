using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// Damaged databases through the real <c>keepsake</c> process: each export kind, given its own real
/// database cut in half (or random bytes), ends with the documented "corrupt data" code and a message
/// naming the file, never "unexpected error", and leaves no <c>*.partial</c> file.
/// </summary>
public sealed class HostileInputTests
{
    [Theory]
    [InlineData("messages", "magnet-ctf2020-smsdb/sms.db")]
    [InlineData("contacts", "ileapp-public-images/addressbook-hickman-ios15.3.1/AddressBook.sqlitedb")]
    [InlineData("notes", "ileapp-public-images/notes-hickman-ios17.3/NoteStore.sqlite")]
    [InlineData("calendar", "mvt-ios-backup/20/2041457d5fe04d39d0ab481178355df6781e6858")]
    [InlineData("safari", "plaso-apple-dbs/History.db")]
    [InlineData("whatsapp", "ileapp-public-images/whatsapp-chatstorage-hickman-ios15.3.1/ChatStorage.sqlite")]
    [InlineData("voicemail", "ileapp-public-images/voicemail-hickman-ios15.3.1/voicemail.db")]
    [InlineData("messages", null)]
    public void Export_DamagedDatabase_IsCorruptDataNamingTheFile(string kind, string? fixture)
    {
        if (fixture is not null && !Fixtures.Exists(fixture))
        {
            Assert.True(Fixtures.Root is null, $"fixture {fixture} missing");
            return;
        }

        using var dir = new TempDirectory();
        var damaged = dir.Combine($"damaged-{kind}.db");
        if (fixture is null)
        {
            File.WriteAllBytes(damaged, [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251))]);
        }
        else
        {
            var bytes = File.ReadAllBytes(Fixtures.Path(fixture.Split('/')));
            File.WriteAllBytes(damaged, bytes[..(bytes.Length / 2)]);
        }

        var result = KeepsakeProcess.Run(["export", kind, damaged, dir.Combine("out")]);

        Assert.Equal(ExitCodes.CorruptData, result.ExitCode);
        Assert.Contains(damaged, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", result.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(dir.Combine("out")) && Directory.EnumerateFiles(dir.Combine("out"), "*.partial", SearchOption.AllDirectories).Any(), "a .partial file was left");
    }
}
