using System.Text.Json;
using Keepsake.Device.Simulator.Phone.Generated;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// <c>keepsake diff --data</c> on the simulated iPhone: back up, move the phone on with
/// <c>keepsake simulator --advance</c>, back up again; the messages, photos, calls and contacts the diff lists
/// are exactly those the generator's ground truth (<see cref="PhonePlan"/>) added, deleted and edited. On the
/// same two snapshots: <c>keepsake index</c>, then <c>search</c> finds a deleted message "deleted since" the
/// second snapshot and <c>show</c> prints it in its conversation.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DiffDataCommandTests
{
    private const string Size = "8MiB";
    private const int Seed = 15;

    [Fact]
    public void DiffData_BackupAdvanceBackup_ListsExactlyThePlansNewAndDeletedItems()
    {
        using var home = new TempDirectory("keepsake-diff-data");
        var env = new Dictionary<string, string>
        {
            ["HOME"] = home.Path,
            ["XDG_DATA_HOME"] = string.Empty,
            ["KEEPSAKE_VAULT"] = string.Empty,
            ["KEEPSAKE_PASSWORD"] = "vault-pw-for-diff-data",
        };
        var simulator = Path.Combine(home.Path, ".local", "share", "keepsake", "simulator");
        var profile = new PhoneProfile(Seed, 8L * 1024 * 1024);
        KeepsakeProcess.Run(["backup", "--simulator", "--phone-size", Size, "--seed", "15"], env, TimeSpan.FromMinutes(5)).EnsureSuccess("keepsake backup (first)");
        var before = GeneratedPhone.Plan(simulator, profile);
        KeepsakeProcess.Run(["simulator", "--advance", "4", "--phone-size", Size, "--seed", "15"], env).EnsureSuccess("keepsake simulator --advance");
        KeepsakeProcess.Run(["backup", "--simulator", "--phone-size", Size, "--seed", "15"], env, TimeSpan.FromMinutes(5)).EnsureSuccess("keepsake backup (second)");
        var after = GeneratedPhone.Plan(simulator, profile);
        Assert.Equal([4], after.Advances);
        var snapshots = JsonDocument.Parse(KeepsakeProcess.Run(["snapshots", "--json"], env).EnsureSuccess("keepsake snapshots").StandardOutput)
            .RootElement.EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList();
        Assert.Equal(2, snapshots.Count);

        var json = KeepsakeProcess.Run(["diff", "--data", snapshots[0], snapshots[1], "--json"], env).EnsureSuccess("keepsake diff --data --json").StandardOutput;
        ValidateAgainstSchema(home, json);
        using var document = JsonDocument.Parse(json);
        var kinds = document.RootElement.GetProperty("kinds");

        // Messages: matched by GUID, exactly the plan's new and deleted rows, with their text and sender.
        var messages = kinds.GetProperty("messages");
        var beforeGuids = before.Messages.Select(m => m.Guid).ToHashSet(StringComparer.Ordinal);
        var afterGuids = after.Messages.Select(m => m.Guid).ToHashSet(StringComparer.Ordinal);
        var addedPlan = after.Messages.Where(m => !beforeGuids.Contains(m.Guid)).ToDictionary(m => m.Guid, StringComparer.Ordinal);
        var deletedPlan = before.Messages.Where(m => !afterGuids.Contains(m.Guid)).ToDictionary(m => m.Guid, StringComparer.Ordinal);
        Assert.NotEmpty(addedPlan);
        Assert.NotEmpty(deletedPlan);
        Assert.Equal(addedPlan.Keys.Order(StringComparer.Ordinal), Guids(messages, "added"));
        Assert.Equal(deletedPlan.Keys.Order(StringComparer.Ordinal), Guids(messages, "deleted"));
        Assert.Equal(0, messages.GetProperty("changed").GetArrayLength());
        foreach (var listed in messages.GetProperty("added").EnumerateArray().Concat(messages.GetProperty("deleted").EnumerateArray()))
        {
            var guid = listed.GetProperty("guid").GetString()!;
            var planned = addedPlan.GetValueOrDefault(guid) ?? deletedPlan[guid];
            Assert.Equal(planned.Date, DateTimeOffset.Parse(listed.GetProperty("date").GetString()!, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(1));
            if (planned.TapbackOn is null && !planned.Unsent && planned.Attachment is null)
            {
                Assert.Equal(planned.Text, listed.GetProperty("text").GetString());
            }

            var sender = listed.GetProperty("sender").GetString()!;
            if (planned.SenderContactId is null)
            {
                Assert.Equal("Me", sender);
            }
            else
            {
                Assert.StartsWith(after.ContactName(planned.SenderContactId) ?? before.ContactName(planned.SenderContactId)!, sender, StringComparison.Ordinal);
            }
        }

        // Photos: the plan's new and deleted assets, by directory and file name.
        var photos = kinds.GetProperty("photos");
        var beforePaths = before.Assets.Select(a => $"{a.Directory}/{a.FileName}").ToHashSet(StringComparer.Ordinal);
        var afterPaths = after.Assets.Select(a => $"{a.Directory}/{a.FileName}").ToHashSet(StringComparer.Ordinal);
        Assert.Equal(afterPaths.Except(beforePaths).Order(StringComparer.Ordinal), Titles(photos, "added"));
        Assert.Equal(beforePaths.Except(afterPaths).Order(StringComparer.Ordinal), Titles(photos, "deleted"));
        Assert.Equal(0, photos.GetProperty("changed").GetArrayLength());

        // Calls: only new ones.
        var calls = kinds.GetProperty("calls");
        Assert.Equal(after.Calls.Count - before.Calls.Count, calls.GetProperty("added").GetArrayLength());
        Assert.Equal(0, calls.GetProperty("deleted").GetArrayLength());

        // Contacts: the one the advance edited, with the fields it changed; none added or removed.
        var contacts = kinds.GetProperty("contacts");
        Assert.Equal(0, contacts.GetProperty("added").GetArrayLength());
        Assert.Equal(0, contacts.GetProperty("deleted").GetArrayLength());
        var edited = after.Contacts.Where(c => before.Contacts.Single(o => o.Id == c.Id) != c).ToList();
        var change = Assert.Single(contacts.GetProperty("changed").EnumerateArray());
        Assert.Equal("contact:" + Assert.Single(edited).Guid, change.GetProperty("item").GetProperty("id").GetString());
        var fields = change.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("after").GetString());
        Assert.Equal(["note", "organization"], fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(edited[0].Organization, fields["organization"]);
        Assert.Equal(edited[0].Note, fields["note"]);

        // Notes: the advance leaves them alone.
        var notes = kinds.GetProperty("notes");
        Assert.Equal(0, notes.GetProperty("added").GetArrayLength() + notes.GetProperty("deleted").GetArrayLength() + notes.GetProperty("changed").GetArrayLength());

        // Text: one summary line per kind, one line per item; --kind keeps to the kinds named.
        var text = KeepsakeProcess.Run(["diff", "--data", snapshots[0], "latest", "--kind", "messages"], env).EnsureSuccess("keepsake diff --data").StandardOutput;
        Assert.Contains($"Messages: {addedPlan.Count} added, {deletedPlan.Count} deleted, 0 changed", text, StringComparison.Ordinal);
        Assert.Equal(addedPlan.Count + deletedPlan.Count, text.Split('\n').Count(l => l.StartsWith("+  ", StringComparison.Ordinal) || l.StartsWith("-  ", StringComparison.Ordinal)));
        Assert.DoesNotContain("Photos:", text, StringComparison.Ordinal);
        var plainDeleted = deletedPlan.Values.First(m => m.TapbackOn is null);
        Assert.Contains(plainDeleted.Text.ReplaceLineEndings(" "), text, StringComparison.Ordinal);

        var wrongKind = KeepsakeProcess.Run(["diff", "--data", snapshots[0], "latest", "--kind", "emails"], env);
        Assert.Equal(ExitCodes.Usage, wrongKind.ExitCode);

        // Search, on the same two snapshots: none before 'keepsake index' (it says what the index would hold).
        var noIndex = KeepsakeProcess.Run(["search", "lunch"], env);
        Assert.Equal(ExitCodes.NotFound, noIndex.ExitCode);
        Assert.Contains("keepsake index", noIndex.StandardError, StringComparison.Ordinal);
        var indexed = KeepsakeProcess.Run(["index"], env).EnsureSuccess("keepsake index").StandardOutput;
        Assert.Contains("2 snapshots indexed", indexed, StringComparison.Ordinal);
        var indexFile = Assert.Single(Directory.GetFiles(Path.Combine(home.Path, ".local", "share", "keepsake", "index"), "*.sqlite"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(indexFile));
        Assert.Contains("0 snapshots indexed, 2 in the index", KeepsakeProcess.Run(["index"], env).EnsureSuccess("keepsake index (again)").StandardOutput, StringComparison.Ordinal);

        // A message deleted on the phone is found, with the snapshot it is missing from.
        var words = System.Text.RegularExpressions.Regex.Matches(plainDeleted.Text, @"\p{L}{3,}").Select(m => m.Value).ToList();
        Assert.NotEmpty(words);
        var searchJson = KeepsakeProcess.Run(["search", string.Join(' ', words), "--kind", "messages", "--limit", "500", "--json"], env).EnsureSuccess("keepsake search --json").StandardOutput;
        ValidateAgainstSchema(home, searchJson, "search.schema.json");
        var hit = Assert.Single(JsonDocument.Parse(searchJson).RootElement.EnumerateArray(), h => h.GetProperty("id").GetString() == "message:" + plainDeleted.Guid);
        Assert.Equal(snapshots[1], hit.GetProperty("deletedSince").GetString());
        Assert.Equal(snapshots[0], hit.GetProperty("lastSnapshot").GetString());
        var added = addedPlan.Values.First(m => m.TapbackOn is null && !m.Unsent && m.Attachment is null);
        var addedWords = System.Text.RegularExpressions.Regex.Matches(added.Text, @"\p{L}{3,}").Select(m => m.Value);
        var addedHit = Assert.Single(JsonDocument.Parse(KeepsakeProcess.Run(["search", string.Join(' ', addedWords), "--limit", "500", "--json"], env).EnsureSuccess("keepsake search (added)").StandardOutput)
            .RootElement.EnumerateArray(), h => h.GetProperty("id").GetString() == "message:" + added.Guid);
        Assert.Equal(JsonValueKind.Null, addedHit.GetProperty("deletedSince").ValueKind);

        // keepsake show: the message in its conversation, marked.
        var show = KeepsakeProcess.Run(["show", "message:" + plainDeleted.Guid], env).EnsureSuccess("keepsake show").StandardOutput;
        Assert.Contains("> " + plainDeleted.Date.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), show, StringComparison.Ordinal);
        Assert.Contains(plainDeleted.Text.ReplaceLineEndings(" "), show, StringComparison.Ordinal);
        Assert.Contains("deleted since " + snapshots[1][..8], show, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotFound, KeepsakeProcess.Run(["show", "message:NO-SUCH-GUID"], env).ExitCode);

        // keepsake recover messages: exactly the plan's deleted messages, each from the first snapshot.
        var recoverJson = KeepsakeProcess.Run(["recover", "messages", "--json"], env).EnsureSuccess("keepsake recover messages --json").StandardOutput;
        ValidateAgainstSchema(home, recoverJson, "recover.schema.json");
        var recovered = JsonDocument.Parse(recoverJson).RootElement.EnumerateArray().ToList();
        Assert.Equal(deletedPlan.Keys.Order(StringComparer.Ordinal), recovered.Select(r => r.GetProperty("guid").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(recovered, r => Assert.Equal(snapshots[0], r.GetProperty("lastSnapshot").GetString()));
        Assert.All(recovered, r => Assert.Equal("not-in-later-backups", r.GetProperty("status").GetString()));
        Assert.Equal(plainDeleted.Text, recovered.Single(r => r.GetProperty("guid").GetString() == plainDeleted.Guid).GetProperty("text").GetString());
        var after1 = deletedPlan.Values.Max(m => m.Date).AddSeconds(1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("No deleted messages", KeepsakeProcess.Run(["recover", "messages", "--since", after1], env).EnsureSuccess("keepsake recover --since").StandardOutput, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, KeepsakeProcess.Run(["recover", "photos"], env).ExitCode);

        KeepsakeProcess.Run(["index", "--delete"], env).EnsureSuccess("keepsake index --delete");
        Assert.False(File.Exists(indexFile));
    }

    private static List<string> Guids(JsonElement kind, string list) =>
        [.. kind.GetProperty(list).EnumerateArray().Select(m => m.GetProperty("guid").GetString()!)];

    private static List<string> Titles(JsonElement kind, string list) =>
        [.. kind.GetProperty(list).EnumerateArray().Select(m => m.GetProperty("title").GetString()!).Order(StringComparer.Ordinal)];

    private static void ValidateAgainstSchema(TempDirectory dir, string json, string schemaName = "diff-data.schema.json")
    {
        var document = dir.Combine(schemaName + ".out.json");
        File.WriteAllText(document, json);
        var schema = Path.Combine(Fixtures.ProjectRoot, "docs", "schemas", schemaName);
        const string Script = "import json,sys\nfrom jsonschema import Draft202012Validator\nv=Draft202012Validator(json.load(open(sys.argv[1])))\nerrors=list(v.iter_errors(json.load(open(sys.argv[2]))))\n[print(e.message) for e in errors]\nsys.exit(1 if errors else 0)\n";
        ExternalTool.Run("/usr/bin/python3", ["-c", Script, schema, document], TimeSpan.FromMinutes(1)).EnsureSuccess("jsonschema validation against " + schemaName);
    }
}
