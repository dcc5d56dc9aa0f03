using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Keepsake.Device.Simulator.Phone.Generated;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// The README's main command (<c>keepsake backup --simulator</c>) on a fresh data folder, then every kind
/// exported from <c>latest</c> in every format, each output checked against the generated phone's own
/// ground truth (<see cref="PhonePlan"/>) and its files.
/// </summary>
public sealed partial class SimulatedPhoneExportTests
{
    [Fact]
    public void BackupSimulator_ThenExportEveryKind_OutputsMatchTheGeneratedPhone()
    {
        using var home = new TempDirectory("keepsake-sim-export");
        var env = new Dictionary<string, string>
        {
            ["HOME"] = home.Path,
            ["XDG_DATA_HOME"] = string.Empty,
            ["KEEPSAKE_VAULT"] = string.Empty,
            ["KEEPSAKE_PASSWORD"] = "choose-a-vault-password",
        };
        var backup = KeepsakeProcess.Run(["backup", "--simulator"], env, TimeSpan.FromMinutes(8)).EnsureSuccess("keepsake backup --simulator");
        Assert.Contains("first snapshot of this phone", backup.StandardOutput, StringComparison.Ordinal);
        var simulator = Path.Combine(home.Path, ".local", "share", "keepsake", "simulator");
        var plan = GeneratedPhone.Plan(simulator, PhoneProfile.Default);
        var phone = GeneratedPhone.Ensure(simulator, PhoneProfile.Default);
        var phoneBytes = Directory.EnumerateFiles(phone, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.InRange(phoneBytes, 45_000_000, 60_000_000);

        var attachments = plan.Messages.Where(m => m.Attachment is not null).ToList();
        foreach (var format in new[] { "json", "html", "txt", "csv", "pdf" })
        {
            var (counts, folder) = Export(home, env, "messages", format);
            Assert.Equal(plan.Messages.Count, counts["messages"]);
            Assert.Equal(plan.Conversations.Count, counts["conversations"]);
            Assert.Equal(attachments.Count, counts["attachments"]);
            Assert.Equal(attachments.Count, counts["attachmentsCopied"]);
            Assert.Equal(0, counts["attachmentsMissing"]);
            foreach (var m in attachments.Take(25))
            {
                var exported = Assert.Single(Directory.GetFiles(Path.Combine(folder, "attachments", m.ConversationId.ToString(CultureInfo.InvariantCulture)), $"{m.Attachment!.Id}-*"), f => !f.EndsWith(".jpg", StringComparison.Ordinal) || m.Attachment.Kind != GeneratedMediaKind.Heic);
                Assert.Equal(File.ReadAllBytes(Path.Combine(phone, "MediaDomain", m.Attachment.RelativePath)), File.ReadAllBytes(exported));
            }

            if (format == "json")
            {
                var byRow = new Dictionary<long, JsonElement>();
                foreach (var file in Directory.GetFiles(folder, "*.json").Where(f => !Path.GetFileName(f).StartsWith('.')))
                {
                    using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
                    foreach (var message in doc.RootElement.GetProperty("messages").EnumerateArray())
                    {
                        byRow[message.GetProperty("rowId").GetInt64()] = message.Clone();
                    }
                }

                foreach (var m in plan.Messages.Where(m => m.TapbackOn is null))
                {
                    var row = byRow[m.Id];
                    Assert.Equal(m.Date, DateTimeOffset.Parse(row.GetProperty("date").GetString()!, CultureInfo.InvariantCulture), TimeSpan.FromMilliseconds(1));
                    if (!m.Unsent && m.Attachment is null)
                    {
                        Assert.Equal(m.Text, row.GetProperty("text").GetString());
                    }
                }

                Assert.Equal(plan.Messages.Count(m => m.TapbackOn is not null), byRow.Values.Sum(r => r.TryGetProperty("tapbacks", out var t) ? t.GetArrayLength() : 0));
            }
            else if (format == "txt")
            {
                var text = string.Concat(Directory.GetFiles(folder, "*.txt").Select(File.ReadAllText));
                Assert.All(plan.Messages.Where(m => m.TapbackOn is null && !m.Unsent && m.Attachment is null).Take(300), m => Assert.Contains(m.Text, text, StringComparison.Ordinal));
                Assert.Contains(plan.Contacts.First().FullName, text, StringComparison.Ordinal);
            }
        }

        var (contacts, contactsFolder) = Export(home, env, "contacts", "vcf");
        Assert.Equal(plan.Contacts.Count, contacts["contacts"]);
        Assert.Equal(plan.Contacts.Count(c => c.HasPhoto), contacts["photos"]);
        var vcf = File.ReadAllText(Path.Combine(contactsFolder, "contacts.vcf"));
        Assert.Equal(plan.Contacts.Count, Regex.Matches(vcf, "^BEGIN:VCARD", RegexOptions.Multiline).Count);
        Assert.All(plan.Contacts, c => Assert.Contains("FN:" + c.FullName.Replace(",", "\\,", StringComparison.Ordinal), vcf, StringComparison.Ordinal));

        foreach (var format in new[] { "csv", "json", "html" })
        {
            Assert.Equal(plan.Calls.Count, Export(home, env, "calls", format).Counts["calls"]);
            var voicemail = Export(home, env, "voicemail", format).Counts;
            Assert.Equal(plan.Voicemails.Count, voicemail["voicemails"]);
            Assert.Equal(plan.Voicemails.Count, voicemail["audioCopied"]);
            // Each AMR voicemail gets a playable copy when ffmpeg is there to make it.
            Assert.Equal(ExternalTool.Find("ffmpeg") is null ? 0 : plan.Voicemails.Count, voicemail["audioConverted"]);
            var safari = Export(home, env, "safari", format).Counts;
            Assert.Equal(plan.Visits.Count, safari["visits"]);
            Assert.Equal(plan.Bookmarks.Count, safari["bookmarks"]);

            var (photos, photosFolder) = Export(home, env, "photos", format, format == "json" ? ["--by-album"] : []);
            Assert.Equal(plan.Assets.Count, photos["assets"]);
            Assert.Equal(plan.Assets.Count, photos["copied"]);
            foreach (var asset in plan.Assets)
            {
                var exported = Path.Combine(photosFolder, "photos", asset.FileName);
                Assert.Equal(File.ReadAllBytes(Path.Combine(phone, "CameraRollDomain", asset.RelativePath)), File.ReadAllBytes(exported));
                Assert.Equal(asset.Taken.UtcDateTime, File.GetLastWriteTimeUtc(exported), TimeSpan.FromSeconds(1));
                if (asset.LivePhotoVideo is { } video)
                {
                    Assert.True(File.Exists(Path.Combine(photosFolder, "photos", video)), video);
                }

                if (format == "json")
                {
                    Assert.All(asset.Albums, album => Assert.True(File.Exists(Path.Combine(photosFolder, "albums", album, asset.FileName)), $"{album}/{asset.FileName}"));
                }
            }

            if (format == "json")
            {
                using var index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(photosFolder, "photos-index.json")));
                var rows = index.RootElement.EnumerateArray().ToList();
                Assert.Equal(plan.Assets.Count(a => a.Favorite), rows.Count(r => r.GetProperty("favorite").GetBoolean()));
                Assert.Equal(plan.Assets.Count(a => a.Hidden), rows.Count(r => r.GetProperty("hidden").GetBoolean()));
                Assert.Equal(plan.Assets.Count(a => a.LivePhotoVideo is not null), rows.Count(r => r.GetProperty("live_photo_video").ValueKind == JsonValueKind.String));
            }
        }

        foreach (var format in new[] { "md", "txt", "html" })
        {
            var (notes, notesFolder) = Export(home, env, "notes", format);
            Assert.Equal(plan.Notes.Count, notes["notes"]);
            Assert.Equal(1, notes["locked"]);
            Assert.Equal(0, notes["failed"]);
            foreach (var note in plan.Notes.Where(n => !n.Locked))
            {
                var file = Assert.Single(Directory.GetFiles(Path.Combine(notesFolder, note.Folder), $"* [{note.Id}].{format}"));
                var text = File.ReadAllText(file);
                Assert.All(note.Body.Split('\n'), line => Assert.Contains(format == "html" ? System.Net.WebUtility.HtmlEncode(line) : line, text, StringComparison.Ordinal));
            }
        }

        // The storage report names each app as the phone does (installation_proxy's iTunesMetadata, kept in Info.plist).
        var storage = KeepsakeProcess.Run(["storage", "latest", "--json"], env, TimeSpan.FromMinutes(2)).EnsureSuccess("keepsake storage latest --json");
        using (var report = JsonDocument.Parse(storage.StandardOutput))
        {
            var apps = report.RootElement.EnumerateArray().Where(e => e.GetProperty("section").GetString() == "app")
                .ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("detail").GetString(), StringComparer.Ordinal);
            Assert.NotEmpty(plan.Apps);
            Assert.All(plan.Apps, app => Assert.Equal(app.DisplayName, apps[app.BundleId]));
        }

        var (calendar, calendarFolder) = Export(home, env, "calendar", "ics");
        Assert.Equal(plan.Events.Count, calendar["events"]);
        var ics = string.Concat(Directory.GetFiles(calendarFolder, "*.ics").Select(File.ReadAllText));
        Assert.Equal(plan.Events.Count, Regex.Matches(ics, "^BEGIN:VEVENT", RegexOptions.Multiline).Count);
        Assert.Equal(plan.Events.Count(e => e.AllDay), Regex.Matches(ics, "^DTSTART;VALUE=DATE:", RegexOptions.Multiline).Count);

        foreach (var format in new[] { "html", "txt", "csv", "json", "pdf" })
        {
            var (whatsapp, _) = Export(home, env, "whatsapp", format);
            Assert.Equal(plan.WhatsAppMessages.Count, whatsapp["messages"]);
            Assert.Equal(plan.WhatsAppMessages.Select(m => m.ChatId).Distinct().Count(), whatsapp["chats"]);
            Assert.Equal(plan.WhatsAppMessages.Count(m => m.MediaPath is not null), whatsapp["mediaCopied"]);
        }
    }

    /// <summary>Runs <c>keepsake export KIND latest DEST --format F</c> and returns the counts it printed and the folder.</summary>
    private static (Dictionary<string, long> Counts, string Folder) Export(TempDirectory home, Dictionary<string, string> env, string kind, string format, string[]? extra = null)
    {
        var folder = home.Combine("export", $"{kind}-{format}");
        var result = KeepsakeProcess.Run(["export", kind, "latest", folder, "--format", format, .. extra ?? []], env, TimeSpan.FromMinutes(5)).EnsureSuccess($"keepsake export {kind} --format {format}");
        var counts = CountsLine().Match(result.StandardOutput);
        Assert.True(counts.Success, result.StandardOutput);
        return (counts.Groups[1].Value.Split(", ").Select(c => c.Split(' ', 2)).ToDictionary(p => CounterName(p[1]), p => long.Parse(p[0], CultureInfo.InvariantCulture)), folder);
    }

    /// <summary>The summary's words back to the exporter's counter name: "attachments copied" is attachmentsCopied.</summary>
    private static string CounterName(string words) =>
        string.Concat(words.Split(' ').Select((w, i) => i == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));

    [GeneratedRegex(@"^Exported \w+ to .+?: (.+)$", RegexOptions.Multiline)]
    private static partial Regex CountsLine();
}
