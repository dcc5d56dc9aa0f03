using System.Text.Json;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

public sealed class ExportCommandsTests
{
    [FixtureFact("magnet-ctf2020-smsdb")]
    public void ExportMessages_LooseSmsDb_WritesOneTextFilePerConversation()
    {
        using var dir = new TempDirectory();
        var db = Fixtures.CopySqlite("magnet-ctf2020-smsdb/sms.db", dir);
        var output = dir.Combine("out");

        var result = KeepsakeProcess.Run(["export", "messages", db, output, "--format", "txt"]).EnsureSuccess("keepsake export messages");

        Assert.Contains("105 messages", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(7, Directory.GetFiles(output, "*.txt").Length);
    }

    [FixtureFact("magnet-ctf2020-smsdb")]
    public void ExportMessages_ConversationMatchingNothing_ExitsNotFoundAndWritesNothing()
    {
        using var dir = new TempDirectory();
        var db = Fixtures.CopySqlite("magnet-ctf2020-smsdb/sms.db", dir);
        var output = dir.Combine("out");

        var result = KeepsakeProcess.Run(["export", "messages", db, output, "--conversation", "no-such-chat@example.invalid"]);

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Contains("no conversation in", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("matches 'no-such-chat@example.invalid'", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Any(), "files were written");
    }

    [FixtureFact("mvt-ios-backup")]
    public void Storage_Json_ListsDomainsWithSizes()
    {
        var result = KeepsakeProcess.Run(["storage", Fixtures.Path("mvt-ios-backup"), "--json"]).EnsureSuccess("keepsake storage");
        using var document = JsonDocument.Parse(result.StandardOutput);
        var domains = document.RootElement.EnumerateArray().Where(e => e.GetProperty("section").GetString() == "domain").ToList();
        Assert.Contains(domains, d => d.GetProperty("name").GetString() == "HomeDomain" && d.GetProperty("files").GetInt64() == 406);
    }

    [Fact]
    public void Export_UnknownKind_IsAUsageError()
    {
        var result = KeepsakeProcess.Run(["export", "tweets", "/nonexistent", "/tmp/x"]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("unknown kind 'tweets'", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("attachmentsCopied", "attachments copied")]
    [InlineData("newMessages", "new messages")]
    [InlineData("contacts", "contacts")]
    public void Words_CounterName_IsWordsForTheSummary(string counter, string words) =>
        Assert.Equal(words, Commands.ExportCommand.Words(counter));
}
