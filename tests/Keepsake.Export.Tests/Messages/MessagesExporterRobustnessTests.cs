using System.Text.Json;
using Keepsake.Export.Messages;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Messages;

public sealed class MessagesExporterRobustnessTests
{
    [FixtureFact("imessage-exporter-blobs/typedstream")]
    public async Task ExportAsync_CorruptBody_FallsBackToTextWithDiagnostic()
    {
        using var temp = new TempDirectory();
        var corrupt = File.ReadAllBytes(Fixtures.Path("imessage-exporter-blobs", "typedstream", "ExtraData"));
        var good = File.ReadAllBytes(Fixtures.Path("imessage-exporter-blobs", "typedstream", "Mention"));
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            var alice = builder.Handle("+15551234567");
            var chat = builder.Chat("c1", "+15551234567", null, alice);
            builder.Message(chat, "B1", "fallback text", alice, false, 0, "attributedBody", corrupt);
            builder.Message(chat, "B2", null, alice, false, 1, "attributedBody", good);
        }

        using var db = MessagesDatabase.Open(temp.Combine("sms.db"));
        var result = await new MessagesExporter(db).ExportAsync(temp.Combine("out"), new MessagesExportOptions { Format = MessageFormat.Json });
        Assert.Equal(1, result.BodyDiagnostics);
        var file = Directory.GetFiles(temp.Combine("out"), "*.json").Single(f => !Path.GetFileName(f).StartsWith('.'));
        using var document = JsonDocument.Parse(File.ReadAllBytes(file));
        var messages = document.RootElement.GetProperty("messages");
        Assert.Equal("fallback text", messages[0].GetProperty("text").GetString());
        Assert.Contains("offset 121", messages[0].GetProperty("bodyDiagnostic").GetString(), StringComparison.Ordinal);
        Assert.Equal("Test Dad ", messages[1].GetProperty("text").GetString());
        var mention = messages[1].GetProperty("runs").EnumerateArray().Single();
        Assert.Equal("+15558675309", mention.GetProperty("mention").GetString());
    }

    [Fact]
    public async Task ExportAsync_Cancelled_LeavesNoPartialFiles()
    {
        using var temp = new TempDirectory();
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            var alice = builder.Handle("+15551234567");
            var chat = builder.Chat("c1", "+15551234567", null, alice);
            for (var i = 0; i < 50; i++)
            {
                builder.Message(chat, $"M{i}", $"m{i}", alice, false, i);
            }
        }

        using var db = MessagesDatabase.Open(temp.Combine("sms.db"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new MessagesExporter(db).ExportAsync(temp.Combine("out"), new MessagesExportOptions { Format = MessageFormat.Html }, null, new CancellationToken(canceled: true)));
        Assert.DoesNotContain(Directory.GetFiles(temp.Combine("out"), "*", SearchOption.AllDirectories), f => f.EndsWith(".partial", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExportAsync_CancelledMidway_StopsTheReaderAndLeavesNoPartialFiles()
    {
        using var temp = new TempDirectory();
        using (var builder = new SmsDbBuilder(temp.Combine("sms.db")))
        {
            var alice = builder.Handle("+15551234567");
            var chat = builder.Chat("c1", "+15551234567", null, alice);
            builder.Execute("BEGIN");
            for (var i = 0; i < 5000; i++)
            {
                builder.Message(chat, $"M{i}", $"m{i}", alice, false, i);
            }

            builder.Execute("COMMIT");
        }

        using var db = MessagesDatabase.Open(temp.Combine("sms.db"));
        using var cancel = new CancellationTokenSource();
        var progress = new CancelAfter(cancel, 2048);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new MessagesExporter(db).ExportAsync(temp.Combine("out"), new MessagesExportOptions { Format = MessageFormat.Txt }, progress, cancel.Token));
        Assert.True(progress.Last >= 2048);
        Assert.DoesNotContain(Directory.GetFiles(temp.Combine("out"), "*", SearchOption.AllDirectories), f => f.EndsWith(".partial", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(temp.Combine("out"), "*.txt"));
    }

    /// <summary>Cancels (synchronously, unlike Progress&lt;T&gt;) once the export has reported <c>after</c> messages.</summary>
    private sealed class CancelAfter(CancellationTokenSource cancel, long after) : IProgress<ExportProgress>
    {
        public long Last { get; private set; }

        public void Report(ExportProgress value)
        {
            Last = value.Done;
            if (value.Done >= after)
            {
                cancel.Cancel();
            }
        }
    }
}
