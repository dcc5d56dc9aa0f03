using System.Text.Json;
using Keepsake.TestKit;
using Microsoft.Playwright;

namespace Keepsake.Web.Tests.Support;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium) driven headless through Playwright; Playwright never downloads a
/// browser here. Pages are opened signed in (a fresh login link per browser context) and watched for
/// console errors, failed requests and error responses.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly LocalWebHost _host;

    private Browser(IPlaywright playwright, IBrowser browser, LocalWebHost host)
    {
        _playwright = playwright;
        _browser = browser;
        _host = host;
    }

    public static async Task<Browser> LaunchAsync(LocalWebHost host)
    {
        var executable = ExternalTool.Find("chromium") ?? throw new InvalidOperationException("chromium is not on PATH (Debian package chromium; ./test.sh installs it).");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
                Timeout = 60_000,
            });
            return new Browser(playwright, browser, host);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A new browser context, signed in through a one-time login link, with its problems watched.</summary>
    public async Task<WatchedPage> OpenSignedInAsync(ViewportSize? viewport = null, bool bypassCsp = false, string? timezone = null)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = viewport ?? Desktop,
            BaseURL = _host.Address.AbsoluteUri,
            BypassCSP = bypassCsp,
            AcceptDownloads = true,
            TimezoneId = timezone,
        });
        var page = await context.NewPageAsync();
        var watched = new WatchedPage(context, page);
        var response = await page.GotoAsync(_host.LoginLink().AbsoluteUri);
        if (response is null || !response.Ok)
        {
            throw new InvalidOperationException($"login failed: {response?.Status}");
        }

        watched.Problems.Clear();
        return watched;
    }

    /// <summary>A context that never signed in.</summary>
    public async Task<WatchedPage> OpenAnonymousAsync()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = Desktop, BaseURL = _host.Address.AbsoluteUri });
        return new WatchedPage(context, await context.NewPageAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>A page and every console error, failed request and HTTP error response seen since <see cref="Problems"/> was last cleared.</summary>
internal sealed class WatchedPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    public WatchedPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Add("console error: " + message.Text);
            }
        };
        page.PageError += (_, error) => Add("page error: " + error);
        page.RequestFailed += (_, request) =>
        {
            // A media element cancels its own request once it has what it needs.
            if (request.Failure != "net::ERR_ABORTED")
            {
                Add($"request failed: {request.Url}: {request.Failure}");
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Add($"HTTP {response.Status}: {response.Url}");
            }
        };
    }

    public IPage Page { get; }

    public List<string> Problems { get; } = [];

    public IBrowserContext Context => _context;

    private void Add(string problem)
    {
        lock (Problems)
        {
            Problems.Add(problem);
        }
    }

    /// <summary>Runs axe-core (npm, pinned by js/package-lock.json) on the page; the serious and critical violations.</summary>
    public async Task<IReadOnlyList<string>> AxeViolationsAsync()
    {
        var script = Path.Combine(Fixtures.ProjectRoot, "tests", "Keepsake.Web.Tests", "js", "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException("axe-core is not installed: run 'npm ci --prefix tests/Keepsake.Web.Tests/js' (test.sh does).");
        }

        await Page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = script });
        var json = await Page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { resultTypes: ['violations'] });
              return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')})`);
            }
            """);
        return [.. json.EnumerateArray().Select(e => e.GetString()!)];
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
