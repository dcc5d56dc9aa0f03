using Keepsake.Device.Simulator.Phone.Generated;
using Keepsake.TestKit;

namespace Keepsake.Web.Tests.Support;

/// <summary>
/// One vault of simulated-phone snapshots, one web app serving it on 127.0.0.1 and one Chromium, shared
/// by every test of the "web" collection (made once per test run).
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    /// <summary>The smallest generated phone: every kind of data, a few dozen photos, about 3,000 messages.</summary>
    public static readonly PhoneProfile Profile = new(seed: 11, size: PhoneProfile.MinimumSize);

    private SimulatedVault? _vault;
    private LocalWebHost? _host;
    private Browser? _browser;

    internal ServerLog Log { get; } = new();

    internal SimulatedVault Vault => _vault ?? throw new InvalidOperationException("not started");

    public LocalWebHost Host => _host ?? throw new InvalidOperationException("not started");

    internal Browser Browser => _browser ?? throw new InvalidOperationException("not started");

    /// <summary>Where screenshots go: the test results folder, kept as artifacts, never committed.</summary>
    public static string ScreenshotFolder => Path.Combine(Fixtures.ProjectRoot, "artifacts", "test-results", "web-screenshots");

    /// <summary>
    /// The speed phone: one 100,000-message conversation and 10,000 photos. Made (and backed up into the
    /// same vault, served by the same app) only when KEEPSAKE_WEB_SPEED=1: it costs minutes on a loaded machine.
    /// </summary>
    public static readonly PhoneProfile SpeedProfile = new(seed: 12, size: PhoneProfile.MinimumSize) { LargestConversation = 100_000, Photos = 10_000 };

    public static bool SpeedRun => Environment.GetEnvironmentVariable("KEEPSAKE_WEB_SPEED") == "1";

    internal (Repository.Snapshots.Snapshot Snapshot, PhonePlan Plan, string PhoneFolder)? Speed { get; private set; }

    public async Task InitializeAsync()
    {
        _vault = await SimulatedVault.CreateAsync(Profile, advanceAndEncrypt: true);
        if (SpeedRun)
        {
            Speed = await _vault.BackUpOtherPhoneAsync(SpeedProfile, "speed");
        }

        _host = await LocalWebHost.StartAsync(_vault.Repository, logging: Log);
        _browser = await Browser.LaunchAsync(_host);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        if (_host is not null)
        {
            await _host.DisposeAsync();
            Directory.CreateDirectory(ScreenshotFolder);
            await File.WriteAllLinesAsync(Path.Combine(ScreenshotFolder, "server-log.txt"), Log.Lines);
        }

        if (_vault is not null)
        {
            await _vault.DisposeAsync();
        }
    }
}

[CollectionDefinition("web")]
public sealed class WebCollection : ICollectionFixture<WebFixture>;
