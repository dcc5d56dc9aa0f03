using System.CommandLine;
using System.Text.Json;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// Every command that takes --json prints what docs/schemas/&lt;command&gt;.schema.json documents: each one is run
/// through the real process against the simulated iPhone and a real vault, and its output validated with
/// python3-jsonschema. A command given --json without a schema, or left out of this run, fails the test.
/// </summary>
public sealed class JsonSchemaTests
{
    [Fact]
    public async Task EveryJsonOutput_ValidatesAgainstItsSchema()
    {
        await using var phone = await SimulatedPhoneHome.StartAsync(Keepsake.Device.Simulator.Phone.BuiltInPhone.Generate);
        var home = phone.Home;
        var env = phone.Env;
        env["KEEPSAKE_TO_PASSWORD"] = "copy-target-pw";
        var outputs = new List<(string Schema, string Json)>();
        string Run(string schema, params string[] arguments)
        {
            var result = KeepsakeProcess.Run([.. arguments, "--json"], env).EnsureSuccess("keepsake " + string.Join(' ', arguments) + " --json");
            JsonDocument.Parse(result.StandardOutput).Dispose(); // standard output is JSON and nothing else
            outputs.Add((schema, result.StandardOutput));
            return result.StandardOutput;
        }

        Run("devices", "devices");
        Run("encryption", "encryption", "status");
        var backup = JsonDocument.Parse(Run("backup", "backup")).RootElement[0];
        Assert.Equal(JsonValueKind.True, backup.GetProperty("full").ValueKind);
        Assert.Equal(JsonValueKind.Null, backup.GetProperty("changes").ValueKind);
        Run("info", "info", "latest");
        Run("ls", "ls", "latest");
        Run("storage", "storage", "latest");
        Assert.True(JsonDocument.Parse(Run("verify", "verify", "latest")).RootElement.GetProperty("ok").GetBoolean());
        Run("export", "export", "messages", "latest", home.Combine("messages"));
        var restored = JsonDocument.Parse(Run("restore", "restore", "latest", "--to-folder", home.Combine("restored"))).RootElement.GetProperty("target").GetString()!;
        Run("backups", "backups", home.Combine("restored"));
        Run("import", "import", restored);
        var snapshots = JsonDocument.Parse(Run("snapshots", "snapshots")).RootElement.EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList();
        Assert.Equal(2, snapshots.Count);
        Run("diff", "diff", snapshots[0], snapshots[1]);
        KeepsakeProcess.Run(["index"], env).EnsureSuccess("keepsake index");
        var hits = JsonDocument.Parse(Run("search", "search", "the", "--limit", "3")).RootElement;
        Assert.NotEqual(0, hits.GetArrayLength());
        Run("show", "show", hits[0].GetProperty("id").GetString()!);
        Run("recover", "recover", "messages");
        Assert.True(JsonDocument.Parse(Run("check", "check", "--read-data")).RootElement.GetProperty("ok").GetBoolean());
        Run("copy", "copy", "--to", home.Combine("second-vault"));
        var forget = JsonDocument.Parse(Run("forget", "forget", "--keep-last", "1", "--prune")).RootElement;
        Assert.Equal(2, forget.GetProperty("kept").GetArrayLength() + forget.GetProperty("forgotten").GetArrayLength());
        Assert.Equal(JsonValueKind.Object, forget.GetProperty("prune").ValueKind);
        Run("prune", "prune");
        Assert.True(Assert.Single(JsonDocument.Parse(Run("key-list", "key", "list")).RootElement.EnumerateArray()).GetProperty("current").GetBoolean());
        Run("unlock", "unlock");

        var documents = new List<string>();
        foreach (var (schema, json) in outputs)
        {
            var document = home.Combine($"{documents.Count:00}-{schema}.json");
            File.WriteAllText(document, json);
            documents.Add(Path.Combine(Fixtures.ProjectRoot, "docs", "schemas", SchemaOf(schema) + ".schema.json"));
            documents.Add(document);
        }

        const string Script = "import json,sys\nfrom jsonschema import Draft202012Validator\nbad=0\nargs=sys.argv[1:]\n"
            + "for schema,doc in zip(args[::2],args[1::2]):\n  Draft202012Validator.check_schema(json.load(open(schema)))\n"
            + "  for e in Draft202012Validator(json.load(open(schema))).iter_errors(json.load(open(doc))):\n    bad+=1; print(doc, list(e.absolute_path), e.message)\nsys.exit(1 if bad else 0)\n";
        ExternalTool.Run("/usr/bin/python3", ["-c", Script, .. documents], TimeSpan.FromMinutes(1)).EnsureSuccess("jsonschema validation of every --json output");

        // Every command of the tree that takes --json was run above, and has its schema.
        var withJson = JsonCommands(CommandLine.Build(), string.Empty).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(withJson.Order(StringComparer.Ordinal), outputs.Select(o => o.Schema).Distinct().Order(StringComparer.Ordinal));
    }

    /// <summary>The schema file of a command's output: its own name, but show prints search hits.</summary>
    private static string SchemaOf(string command) => command == "show" ? "search" : command;

    /// <summary>Each command (as "key-list" for "key list") that has a --json option.</summary>
    private static IEnumerable<string> JsonCommands(Command command, string prefix)
    {
        foreach (var sub in command.Subcommands)
        {
            var name = prefix.Length == 0 ? sub.Name : prefix + "-" + sub.Name;
            if (sub.Options.Any(o => o.Name == "--json"))
            {
                yield return name;
            }

            foreach (var nested in JsonCommands(sub, name))
            {
                yield return nested;
            }
        }
    }
}
