using System.Globalization;
using Keepsake.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Keepsake.Web.Tests.Pages;

/// <summary>
/// How the pages behave at scale, measured in Chromium: the photo grid loads thumbnails no more than one
/// screen ahead of the view; with KEEPSAKE_WEB_SPEED=1, the first paint of a 100,000-message conversation
/// and the grid of 10,000 photos (the numbers are written to the test output).
/// </summary>
[Collection("web")]
public sealed class SpeedTests(WebFixture web, ITestOutputHelper output)
{
    [Fact]
    public async Task PhotoGrid_LoadsThumbnailsAtMostOneScreenAhead()
    {
        await using var watched = await web.Browser.OpenSignedInAsync(Browser.Phone);
        var (requested, allowed, total) = await GridAsync(watched, web.Vault.Second.Id.ToString());
        output.WriteLine($"grid of {total}: {requested} thumbnails requested, {allowed} within one screen ahead");
        Assert.True(total > allowed, $"the test needs more photos ({total}) than two screens hold ({allowed})");
        Assert.InRange(requested, 1, allowed);
    }

    [SpeedFact]
    public async Task SpeedPhone_ConversationOf100000FirstPaint_AndGridOf10000Photos()
    {
        var speed = web.Speed ?? throw new InvalidOperationException("the speed phone was not made");

        var id = speed.Snapshot.Id.ToString();
        var chat = speed.Plan.Conversations[0].Id;
        await using var watched = await web.Browser.OpenSignedInAsync();
        var paints = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            await watched.Page.GotoAsync($"/s/{id}/messages/{chat}", new PageGotoOptions { Timeout = 300_000 });
            paints.Add(await watched.Page.EvaluateAsync<double>("() => performance.getEntriesByName('first-contentful-paint')[0].startTime"));
        }

        var count = await watched.Page.Locator("ol.messages > li").CountAsync();
        var total = speed.Plan.Messages.Count(m => m.ConversationId == chat);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"conversation of {total} messages: first contentful paint {string.Join(", ", paints.Select(p => $"{p:F0} ms"))} (first visit opens the database), {count} messages on the page"));
        Assert.True(total >= 100_000, $"{total} messages");
        Assert.True(paints[^1] < 1000, $"first paint {paints[^1]:F0} ms");

        await using var grid = await web.Browser.OpenSignedInAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (requested, allowed, shown) = await GridAsync(grid, id);
        output.WriteLine($"grid of {shown} photos: {requested} thumbnails requested, {allowed} within one screen ahead, page ready in {clock.ElapsedMilliseconds} ms");
        Assert.Equal(10_000, speed.Plan.Assets.Count);
        Assert.InRange(requested, 1, allowed);
    }

    /// <summary>
    /// Opens the grid, waits, then scrolls one screen down and waits again; returns the thumbnails the page
    /// asked for, how many tiles lie within one screen below the view at its deepest, and the tile count.
    /// </summary>
    private static async Task<(int Requested, int Allowed, int Total)> GridAsync(WatchedPage watched, string snapshot)
    {
        var requested = new HashSet<string>(StringComparer.Ordinal);
        watched.Page.Request += (_, r) =>
        {
            if (r.Url.EndsWith("/thumb", StringComparison.Ordinal))
            {
                lock (requested)
                {
                    requested.Add(r.Url);
                }
            }
        };
        await watched.Page.GotoAsync($"/s/{snapshot}/photos", new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle, Timeout = 300_000 });
        await watched.Page.EvaluateAsync("() => window.scrollBy(0, window.innerHeight)");
        await watched.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Task.Delay(500);
        await watched.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var allowed = await watched.Page.EvaluateAsync<int>("""
            () => [...document.querySelectorAll('img.thumb')]
                .filter(i => i.getBoundingClientRect().top < 2 * window.innerHeight).length
            """);
        var total = await watched.Page.Locator("img.thumb").CountAsync();
        lock (requested)
        {
            return (requested.Count, allowed, total);
        }
    }
}
