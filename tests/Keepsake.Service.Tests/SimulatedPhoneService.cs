using System.Net.Sockets;
using Keepsake.Device.Simulator;
using Keepsake.Device.Simulator.Phone;
using Keepsake.Service.Configuration;
using Keepsake.Service.Events;
using Keepsake.Service.Phones;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Keepsake.Service.Tests;

/// <summary>
/// The simulated iPhone behind its fake usbmuxd, and the service watching that usbmuxd, with a fake clock.
/// The phone is small (two files) so a backup takes a second or two.
/// </summary>
internal sealed class SimulatedPhoneService : IAsyncDisposable
{
    private SimulatedPhoneService(ServiceFixture service, SimulatorHost simulator, FakeTimeProvider clock)
    {
        Service = service;
        Simulator = simulator;
        Clock = clock;
    }

    public ServiceFixture Service { get; }

    public SimulatorHost Simulator { get; }

    public FakeTimeProvider Clock { get; }

    public EventLog Events => Service.App.Services.GetRequiredService<EventLog>();

    public PhoneStateStore State => Service.App.Services.GetRequiredService<PhoneStateStore>();

    /// <summary>
    /// Starts the simulator (attached unless <paramref name="attached"/> is false), then the service. <paramref name="config"/>
    /// is written as config.json first; <paramref name="before"/> may seed the service's data folder.
    /// </summary>
    public static async Task<SimulatedPhoneService> StartAsync(
        string? config = null,
        bool attached = true,
        SimulatorFaults? faults = null,
        Action<ServeOptions, SimulatorHost>? before = null,
        Func<ServeOptions, ServeOptions>? configure = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        SimulatorHost? simulator = null;
        var service = await ServiceFixture.StartAsync((dir, options) =>
        {
            var phone = dir.Combine("phone");
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", "Buy milk\n"u8.ToArray());
            BuiltInPhone.Write(phone, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.JPG", new byte[200_000]);
            simulator = SimulatorHost.StartAsync(new SimulatorOptions
            {
                ListenAddress = "UNIX:" + dir.Combine("usbmuxd.sock"),
                PhoneFolder = phone,
                StateFolder = dir.Combine("simulator"),
                BackupKeyIterations = 1000,
                Faults = faults ?? SimulatorFaults.None,
            }).GetAwaiter().GetResult();
            if (!attached)
            {
                simulator.DetachAsync().GetAwaiter().GetResult();
            }

            if (config is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(options.ConfigPath)!);
                File.WriteAllText(options.ConfigPath!, config);
            }

            options = options with
            {
                TimeProvider = clock,
                UsbmuxEndPoint = new UnixDomainSocketEndPoint(dir.Combine("usbmuxd.sock")),
                OpenCopyTarget = (address, _, ct) => ServiceFixture.OpenVaultAsync(address, ct),
            };
            options = configure?.Invoke(options) ?? options;
            options.Paths.EnsureFolder();
            before?.Invoke(options, simulator);
            return options;
        });
        return new SimulatedPhoneService(service, simulator!, clock);
    }

    /// <summary>Waits (real time) for an event that matches; fails naming what was recorded.</summary>
    public async Task<ServiceEvent> WaitForEventAsync(Func<ServiceEvent, bool> match, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (Events.List(0, 2000).FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no matching event within {timeout}; recorded: {Describe()}");
    }

    public string Describe() => string.Join(" | ", Events.List(0, 2000).Select(e => $"{e.Kind}: {e.Message}"));

    public int Count(string kind) => Events.List(0, 2000).Count(e => e.Kind == kind);

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
