using System.Text.RegularExpressions;
using Keepsake.Device.Simulator.Phone.Generated;
using Keepsake.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Keepsake.Web.Tests.Pages;

/// <summary>
/// The app in Debian's Chromium over the simulated phone's snapshots: every page at desktop and phone
/// widths (no console error, no failed request, an axe-core audit, a screenshot kept), and what the
/// pages must show from the phone's ground truth.
/// </summary>
[Collection("web")]
public sealed partial class PagesTests(WebFixture web, ITestOutputHelper output)
{
    private string Second => web.Vault.Second.Id.ToString();

    private IEnumerable<(string Name, string Url)> EveryPage()
    {
        var s = Second;
        yield return ("home", "/");
        yield return ("timeline", $"/phones/{web.Vault.Udid}");
        yield return ("snapshot", $"/s/{s}");
        yield return ("files-domains", $"/s/{s}/files");
        yield return ("files-folder", $"/s/{s}/files?domain=HomeDomain&path=Library/SMS");
        yield return ("messages", $"/s/{s}/messages");
        yield return ("conversation", $"/s/{s}/messages/{LastConversation().Id}");
        yield return ("photos", $"/s/{s}/photos");
        yield return ("compare", $"/compare?a={web.Vault.First.Id}&b={s}");
        foreach (var kind in new[] { "contacts", "calls", "notes", "voicemail", "calendar", "safari", "whatsapp" })
        {
            yield return (kind, $"/s/{s}/data/{kind}");
        }

        yield return ("storage", $"/s/{s}/storage");
        yield return ("settings", "/settings");
        yield return ("encrypted-password", $"/s/{web.Vault.Encrypted!.Id}/messages");
    }

    [Fact]
    public async Task EveryPage_DesktopAndPhone_NoErrorsNoSeriousAxeViolations_Screenshots()
    {
        Directory.CreateDirectory(WebFixture.ScreenshotFolder);
        var problems = new List<string>();
        await using (var desktop = await web.Browser.OpenSignedInAsync(Browser.Desktop, bypassCsp: true))
        {
            foreach (var (name, url) in EveryPage())
            {
                problems.AddRange((await VisitAsync(desktop, name, url, "desktop")).Select(p => $"{name} (desktop): {p}"));
                problems.AddRange((await desktop.AxeViolationsAsync()).Select(v => $"{name}: axe {v}"));
            }
        }

        // The phone width runs with the app's Content-Security-Policy in force (the desktop run bypassed it for axe).
        await using (var phone = await web.Browser.OpenSignedInAsync(Browser.Phone))
        {
            foreach (var (name, url) in EveryPage())
            {
                problems.AddRange((await VisitAsync(phone, name, url, "phone")).Select(p => $"{name} (phone): {p}"));
                var overflow = await phone.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
                if (overflow > 1)
                {
                    problems.Add($"{name} (phone): page is {overflow}px wider than the screen");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private async Task<List<string>> VisitAsync(WatchedPage watched, string name, string url, string width)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        watched.Problems.Clear();
        var response = await watched.Page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle, Timeout = 120_000 });
        var found = new List<string>();
        if (response is null || response.Status != 200)
        {
            found.Add($"HTTP {response?.Status}");
        }

        await watched.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(WebFixture.ScreenshotFolder, $"{name}-{width}.png"), FullPage = true, Timeout = 120_000 });
        lock (watched.Problems)
        {
            found.AddRange(watched.Problems);
        }

        var heading = await watched.Page.Locator("h1").First.TextContentAsync();
        if (string.IsNullOrWhiteSpace(heading))
        {
            found.Add("no heading");
        }

        output.WriteLine($"{name} ({width}): {clock.ElapsedMilliseconds} ms");
        found.AddRange(web.Log.Lines.Select(l => "server: " + l));

        return found;
    }

    /// <summary>The conversation whose last message is the newest of the phone (it is first in the list).</summary>
    private GeneratedConversation LastConversation()
    {
        var plan = web.Vault.SecondPlan;
        var newest = plan.Messages.Where(m => m.TapbackOn is null).MaxBy(m => m.Date)!;
        return plan.Conversations.First(c => c.Id == newest.ConversationId);
    }

    [Fact]
    public async Task Conversation_ShowsThePhonesMessageText_AndContactNames()
    {
        var plan = web.Vault.SecondPlan;
        var conversation = plan.Conversations.First(c => !c.IsGroup && plan.Messages.Any(m => m.ConversationId == c.Id));
        var message = plan.Messages.Where(m => m.ConversationId == conversation.Id && m.TapbackOn is null && !m.Unsent && m.Attachment is null && m.EditedFrom is null && m.Text.Length > 0)
            .MaxBy(m => m.Date)!;
        await using var watched = await web.Browser.OpenSignedInAsync();
        await watched.Page.GotoAsync($"/s/{Second}/messages");
        var contact = plan.ContactName(conversation.ContactIds[0])!;
        await Assertions.Expect(watched.Page.Locator("ul.conversations")).ToContainTextAsync(contact);

        await watched.Page.GotoAsync($"/s/{Second}/messages/{conversation.Id}");
        await Assertions.Expect(watched.Page.Locator("ol.messages")).ToContainTextAsync(message.Text);
        await Assertions.Expect(watched.Page.Locator("h1")).ToContainTextAsync(contact);
        Assert.Empty(watched.Problems);
    }

    [Fact]
    public async Task Photo_ThumbnailDecodes_AndOriginalDownloadIsTheSameBytesWithItsDate()
    {
        var plan = web.Vault.SecondPlan;
        await using var watched = await web.Browser.OpenSignedInAsync();
        await watched.Page.GotoAsync($"/s/{Second}/photos");
        var firstThumb = watched.Page.Locator("img.thumb").First;
        await watched.Page.WaitForFunctionAsync("() => { const i = document.querySelector('img.thumb'); return i && i.complete && i.naturalWidth > 0; }", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        Assert.True(await firstThumb.EvaluateAsync<int>("i => i.naturalWidth") > 0);

        // The first still photo of the grid (videos show a placeholder thumbnail).
        var links = watched.Page.Locator("ul.grid a");
        var count = await links.CountAsync();
        GeneratedAsset? asset = null;
        ILocator? link = null;
        for (var i = 0; i < count && asset is null; i++)
        {
            var label = (await links.Nth(i).GetAttributeAsync("aria-label"))!["Download ".Length..];
            var candidate = plan.Assets.FirstOrDefault(a => a.FileName == label && !a.IsVideo);
            if (candidate is not null)
            {
                asset = candidate;
                link = links.Nth(i);
            }
        }

        Assert.NotNull(asset);
        await link!.ScrollIntoViewIfNeededAsync();
        var thumb = link.Locator("img.thumb");
        await Assertions.Expect(thumb).ToHaveJSPropertyAsync("complete", true);
        await watched.Page.WaitForFunctionAsync("i => i.complete && i.naturalWidth > 0", await thumb.ElementHandleAsync(), new PageWaitForFunctionOptions { Timeout = 60_000 });

        var download = await watched.Page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var saved = Path.Combine(web.Vault.Directory.Path, "download-" + asset.FileName);
        await download.SaveAsAsync(saved);
        Assert.Equal(asset.FileName, download.SuggestedFilename);
        Assert.Equal(File.ReadAllBytes(Path.Combine(web.Vault.PhoneFolder, "CameraRollDomain", asset.RelativePath)), File.ReadAllBytes(saved));

        var href = await link.GetAttributeAsync("href");
        var lastModified = await watched.Page.EvaluateAsync<string>("async u => (await fetch(u)).headers.get('last-modified')", href);
        Assert.Equal(asset.Taken.ToUniversalTime().ToString("R", System.Globalization.CultureInfo.InvariantCulture), lastModified);
        Assert.Empty(watched.Problems);
    }

    [Fact]
    public async Task Compare_AfterAdvance_ListsTheNewAndTheDeletedMessages()
    {
        var before = web.Vault.FirstPlan.Messages.Where(m => m.TapbackOn is null).ToDictionary(m => m.Guid);
        var after = web.Vault.SecondPlan.Messages.Where(m => m.TapbackOn is null).ToDictionary(m => m.Guid);
        var added = after.Values.Where(m => !before.ContainsKey(m.Guid)).ToList();
        var removed = before.Values.Where(m => !after.ContainsKey(m.Guid)).ToList();
        Assert.NotEmpty(added);
        Assert.NotEmpty(removed);

        await using var watched = await web.Browser.OpenSignedInAsync();
        await watched.Page.GotoAsync($"/compare?a={web.Vault.First.Id}&b={Second}", new PageGotoOptions { Timeout = 120_000 });
        await Assertions.Expect(watched.Page.Locator("#msg-added")).ToHaveTextAsync($"New messages ({added.Count})");
        await Assertions.Expect(watched.Page.Locator("#msg-removed")).ToHaveTextAsync($"Deleted messages ({removed.Count})");
        var addedText = await watched.Page.Locator("section[aria-labelledby=msg-added]").InnerTextAsync();
        var removedText = await watched.Page.Locator("section[aria-labelledby=msg-removed]").InnerTextAsync();
        Assert.All(added.Where(m => m.Attachment is null && !m.Unsent), m => Assert.Contains(m.Text, addedText, StringComparison.Ordinal));
        Assert.All(removed, m => Assert.Contains(m.Text, removedText, StringComparison.Ordinal));
        Assert.All(removed, m => Assert.DoesNotContain(m.Text, addedText, StringComparison.Ordinal));
        Assert.Empty(watched.Problems);
    }

    [Fact]
    public async Task EncryptedSnapshot_AsksForItsPassword_ThenShowsItsMessages()
    {
        var plan = web.Vault.SecondPlan;
        var conversation = plan.Conversations.First(c => !c.IsGroup && plan.Messages.Any(m => m.ConversationId == c.Id));
        var message = plan.Messages.Where(m => m.ConversationId == conversation.Id && m.TapbackOn is null && !m.Unsent && m.Attachment is null && m.EditedFrom is null && m.Text.Length > 0).MaxBy(m => m.Date)!;
        var encrypted = web.Vault.Encrypted!.Id;
        await using var watched = await web.Browser.OpenSignedInAsync();
        await watched.Page.GotoAsync($"/s/{encrypted}/messages");
        var password = watched.Page.GetByLabel("Backup password");
        await Assertions.Expect(password).ToBeVisibleAsync();
        await Assertions.Expect(watched.Page.Locator("ul.conversations")).ToHaveCountAsync(0);

        await password.FillAsync("not-the-password");
        await watched.Page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Assertions.Expect(watched.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("does not open");

        await watched.Page.GetByLabel("Backup password").FillAsync(SimulatedVault.BackupPassword);
        await watched.Page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Assertions.Expect(watched.Page.Locator("ul.conversations")).ToContainTextAsync(plan.ContactName(conversation.ContactIds[0])!);
        await watched.Page.GotoAsync($"/s/{encrypted}/messages/{conversation.Id}");
        await Assertions.Expect(watched.Page.Locator("ol.messages")).ToContainTextAsync(message.Text);
        Assert.DoesNotContain(SimulatedVault.BackupPassword, watched.Page.Url, StringComparison.Ordinal);
        Assert.Empty(watched.Problems);

        // Another browser session has not given the password: it is asked again.
        await using var other = await web.Browser.OpenSignedInAsync();
        await other.Page.GotoAsync($"/s/{encrypted}/messages/{conversation.Id}");
        await Assertions.Expect(other.Page.GetByLabel("Backup password")).ToBeVisibleAsync();
        await Assertions.Expect(other.Page.Locator("ol.messages")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Dates_AreShownInTheReadersTimeZone()
    {
        await using var watched = await web.Browser.OpenSignedInAsync(timezone: "Asia/Tokyo");
        await watched.Page.GotoAsync($"/phones/{web.Vault.Udid}");
        var shown = await watched.Page.Locator("table time").First.InnerTextAsync();
        var utc = DateTimeOffset.Parse((await watched.Page.Locator("table time").First.GetAttributeAsync("datetime"))!, System.Globalization.CultureInfo.InvariantCulture);
        var tokyo = utc.ToOffset(TimeSpan.FromHours(9));
        Assert.Matches(new Regex($@"\b{tokyo.Hour % 12}:{tokyo.Minute:00}\b|\b{tokyo.Hour:00}:{tokyo.Minute:00}\b"), shown);
        Assert.DoesNotContain("UTC", shown, StringComparison.Ordinal);
    }
}
