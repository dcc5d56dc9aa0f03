using System.Text.Json;
using Keepsake.TestKit;
using Microsoft.Playwright;

namespace Keepsake.Export.Tests.Support;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium), driven headless through Playwright's driver; Playwright never
/// downloads a browser here. Loads an exported page from disk the way a person opens it and reports
/// every resource that did not load: failed requests, requests leaving the disk, images that did not
/// decode, audio/video whose media did not load, relative links whose target is absent.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private const string InspectScript = """
        async () => {
          const withTimeout = (promise, ms) => Promise.race([promise, new Promise(r => setTimeout(r, ms))]);
          const images = [];
          for (const img of document.images) {
            img.loading = 'eager';
            if (!img.complete) {
              await withTimeout(new Promise(r => { img.addEventListener('load', r); img.addEventListener('error', r); }), 10000);
            }
            images.push({ src: img.getAttribute('src'), url: img.currentSrc || img.src, width: img.naturalWidth, height: img.naturalHeight });
          }
          const media = [];
          for (const m of document.querySelectorAll('audio, video')) {
            m.preload = 'auto';
            const settled = new Promise(r => { m.addEventListener('loadedmetadata', r); m.addEventListener('error', r); });
            m.load();
            await withTimeout(settled, 10000);
            media.push({ tag: m.tagName.toLowerCase(), src: m.getAttribute('src'), url: m.currentSrc || m.src, readyState: m.readyState, error: m.error ? m.error.code : 0 });
          }
          for (const s of document.querySelectorAll('source')) {
            media.push({ tag: 'source', src: s.getAttribute('src'), url: s.src, readyState: s.parentElement.readyState, error: s.parentElement.error ? s.parentElement.error.code : 0 });
          }
          const links = [...document.querySelectorAll('a[href]')].map(a => ({ href: a.getAttribute('href'), url: a.href }));
          const external = [...document.querySelectorAll('link[href], script[src], iframe[src], object[data], embed[src]')].map(e => e.outerHTML);
          const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
          const rows = document.querySelectorAll('tbody tr').length;
          return { title: document.title, text: document.body.innerText, images, media, links, external, ids, rows };
        }
        """;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>Where Chromium's screenshots go: test.sh's results folder, kept as test artifacts.</summary>
    public static string ScreenshotFolder => Path.Combine(Fixtures.ProjectRoot, "artifacts", "test-results", "screenshots");

    public static async Task<HeadlessChromium> LaunchAsync()
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
            return new HeadlessChromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="htmlPath"/> from disk, inspects it, and saves a full-page PNG when a name is given.</summary>
    public async Task<PageReport> LoadAsync(string htmlPath, string? screenshotName = null)
    {
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 800 } });
        var page = await context.NewPageAsync();
        var failed = new List<string>();
        var offDisk = new List<string>();
        page.RequestFailed += (_, request) =>
        {
            // A media element cancels its own request once it has what it needs (net::ERR_ABORTED);
            // whether the media loaded is judged from the element itself below.
            if (request.Failure != "net::ERR_ABORTED")
            {
                lock (failed)
                {
                    failed.Add($"{request.Url}: {request.Failure}");
                }
            }
        };
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith("file:", StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                lock (offDisk)
                {
                    offDisk.Add(request.Url);
                }
            }
        };
        var response = await page.GotoAsync(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = 60_000 });
        using var result = JsonDocument.Parse((await page.EvaluateAsync(InspectScript))!.Value.GetRawText());
        var root = result.RootElement;
        var problems = new List<string>();
        lock (failed)
        {
            problems.AddRange(failed.Select(f => "request failed: " + f));
        }

        lock (offDisk)
        {
            problems.AddRange(offDisk.Select(u => "request leaves the disk: " + u));
        }

        var images = root.GetProperty("images").EnumerateArray().ToList();
        foreach (var image in images.Where(i => i.GetProperty("width").GetInt32() <= 0))
        {
            problems.Add($"image did not load: {image.GetProperty("src").GetString()}");
        }

        var media = root.GetProperty("media").EnumerateArray().ToList();
        foreach (var item in media.Where(m => m.GetProperty("error").GetInt32() != 0 || m.GetProperty("readyState").GetInt32() < 1))
        {
            problems.Add($"{item.GetProperty("tag").GetString()} did not load (error {item.GetProperty("error").GetInt32()}, readyState {item.GetProperty("readyState").GetInt32()}): {item.GetProperty("src").GetString()}");
        }

        var links = root.GetProperty("links").EnumerateArray().ToList();
        var relative = 0;
        foreach (var link in links)
        {
            var href = link.GetProperty("href").GetString() ?? string.Empty;
            if (href.StartsWith('#') || href.StartsWith("http:", StringComparison.OrdinalIgnoreCase) || href.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
                || href.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) || href.StartsWith("tel:", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            relative++;
            var url = new Uri(link.GetProperty("url").GetString()!);
            if (!url.IsFile || !(File.Exists(url.LocalPath) || Directory.Exists(url.LocalPath)))
            {
                problems.Add($"link target absent: {href}");
            }
        }

        problems.AddRange(root.GetProperty("external").EnumerateArray().Select(e => "external resource element: " + e.GetString()));
        string? screenshot = null;
        if (screenshotName is not null)
        {
            Directory.CreateDirectory(ScreenshotFolder);
            screenshot = Path.Combine(ScreenshotFolder, screenshotName + ".png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        }

        return new PageReport
        {
            Title = root.GetProperty("title").GetString() ?? string.Empty,
            Text = root.GetProperty("text").GetString() ?? string.Empty,
            Images = images.Count,
            ElementIds = [.. root.GetProperty("ids").EnumerateArray().Select(i => i.GetString()!)],
            TableRows = root.GetProperty("rows").GetInt32(),
            ImageSizes = images.Select(i => (i.GetProperty("src").GetString() ?? string.Empty, i.GetProperty("width").GetInt32(), i.GetProperty("height").GetInt32())).ToList(),
            Media = media.Count,
            RelativeLinks = relative,
            Problems = problems,
            Screenshot = screenshot,
            Loaded = response is null || response.Ok,
        };
    }

    /// <summary>
    /// A short WebM (VP8) clip recorded by Chromium's own MediaRecorder from a canvas: a real video
    /// made by a real encoder, so a video attachment can be checked without shipping one.
    /// </summary>
    public async Task<byte[]> RecordWebmAsync()
    {
        await using var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var base64 = await page.EvaluateAsync<string>("""
            async () => {
              const canvas = document.createElement('canvas');
              canvas.width = 64; canvas.height = 48;
              const g = canvas.getContext('2d');
              const recorder = new MediaRecorder(canvas.captureStream(10), { mimeType: 'video/webm;codecs=vp8' });
              const chunks = [];
              recorder.ondataavailable = e => chunks.push(e.data);
              recorder.start();
              for (let i = 0; i < 8; i++) {
                g.fillStyle = `rgb(${i * 30}, 80, 160)`;
                g.fillRect(0, 0, 64, 48);
                await new Promise(r => setTimeout(r, 60));
              }
              const stopped = new Promise(r => recorder.onstop = r);
              recorder.stop();
              await stopped;
              const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
              let s = '';
              for (const b of bytes) s += String.fromCharCode(b);
              return btoa(s);
            }
            """);
        return Convert.FromBase64String(base64);
    }

    /// <summary>Loads the page and returns what <paramref name="script"/> (a JavaScript expression) evaluates to, as JSON.</summary>
    public async Task<JsonDocument> QueryAsync(string htmlPath, string script)
    {
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 800 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = 60_000 });
        return JsonDocument.Parse((await page.EvaluateAsync("JSON.stringify(" + script + ")"))!.Value.GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>What Chromium found on one page.</summary>
internal sealed record PageReport
{
    public required string Title { get; init; }

    public required string Text { get; init; }

    public required int Images { get; init; }

    /// <summary>The id of every element that has one (message blocks are <c>m-&lt;row id&gt;</c>).</summary>
    public required IReadOnlyList<string> ElementIds { get; init; }

    /// <summary>Rows in table bodies (the table exports).</summary>
    public required int TableRows { get; init; }

    /// <summary>Each image's src attribute and its decoded size.</summary>
    public required IReadOnlyList<(string Src, int Width, int Height)> ImageSizes { get; init; }

    public required int Media { get; init; }

    public required int RelativeLinks { get; init; }

    public required IReadOnlyList<string> Problems { get; init; }

    public string? Screenshot { get; init; }

    public bool Loaded { get; init; }
}
