using Keepsake.Export.Messages;
using Keepsake.Export.Tests.Support;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Messages;

/// <summary>
/// The JSON output of Messages and WhatsApp validates against docs/schemas/messages.schema.json with
/// Python's jsonschema (an independent validator, Debian's python3-jsonschema).
/// </summary>
public sealed class MessagesJsonSchemaTests
{
    private const string Validator = """
        import json, sys
        from jsonschema import Draft202012Validator
        schema = json.load(open(sys.argv[1], encoding='utf-8'))
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator(schema)
        count = 0
        for path in sys.argv[2:]:
            doc = json.load(open(path, encoding='utf-8'))
            errors = list(validator.iter_errors(doc))
            for e in errors[:5]:
                print(path, list(e.absolute_path), e.message)
            if errors:
                sys.exit(1)
            count += len(doc['messages'])
        print(count)
        """;

    [ToolFact("python3")]
    public async Task ExportAsync_Json_ValidatesAgainstSchema()
    {
        using var temp = new TempDirectory();
        var databases = new List<string>();
        foreach (var fixture in MessagesExporterCountsTests.FixtureDatabases)
        {
            if (Fixtures.Exists(fixture))
            {
                databases.Add(Fixtures.Path(fixture.Split('/')));
            }
        }

        var files = new List<string>();
        if (Fixtures.Exists("ileapp-public-images/whatsapp-chatstorage-hickman-ios15.3.1/ChatStorage.sqlite"))
        {
            var copy = Fixtures.CopySqlite("ileapp-public-images/whatsapp-chatstorage-hickman-ios15.3.1/ChatStorage.sqlite", temp);
            await ExportRunner.RunAsync(ExportKind.WhatsApp, copy, temp.Combine("whatsapp"), new ExportOptions { Format = "json" });
            var whatsApp = Directory.GetFiles(temp.Combine("whatsapp"), "*.json").Where(f => !Path.GetFileName(f).StartsWith('.')).ToList();
            Assert.NotEmpty(whatsApp);
            files.AddRange(whatsApp);
        }

        using (var builder = new Support.SmsDbBuilder(temp.Combine("generated.db")))
        {
            var alice = builder.Handle("+15551234567");
            var chat = builder.Chat("iMessage;-;+15551234567", "+15551234567", null, alice);
            builder.Message(chat, "A1", "Hello", alice, false, 0);
            builder.Message(chat, "T1", null, 0, true, 1, "associated_message_guid, associated_message_type", "p:0/A1", 2003);
            builder.Message(chat, "R1", "reply", 0, true, 2, "thread_originator_guid, thread_originator_part", "A1", "0:0:5");
            var m = builder.Message(chat, "P1", "\uFFFC", alice, false, 3);
            builder.Attachment(m, "AT1", "~/Library/SMS/Attachments/a/b/AT1/x.jpg", "x.jpg", "image/jpeg", 3);
        }

        databases.Add(temp.Combine("generated.db"));
        for (var i = 0; i < databases.Count; i++)
        {
            using var db = MessagesDatabase.Open(databases[i]);
            var folder = temp.Combine($"out{i}");
            await new MessagesExporter(db).ExportAsync(folder, new MessagesExportOptions { Format = MessageFormat.Json });
            files.AddRange(Directory.GetFiles(folder, "*.json").Where(f => !Path.GetFileName(f).StartsWith('.')));
        }

        var schema = Path.Combine(Fixtures.ProjectRoot, "docs", "schemas", "messages.schema.json");
        DebianPython.Require("jsonschema", "python3-jsonschema");
        var result = ExternalTool.Run(DebianPython.Interpreter, ["-c", Validator, schema, .. files], TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.True(long.Parse(result.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture) > 4);
    }
}
