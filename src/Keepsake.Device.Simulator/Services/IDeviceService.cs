namespace Keepsake.Device.Simulator.Services;

/// <summary>One service of the simulated iPhone, serving one connection at a time per call.</summary>
internal interface IDeviceService
{
    /// <summary>Serves one host connection until the host closes it (the stream is owned).</summary>
    Task ServeAsync(Stream stream, CancellationToken cancellationToken);
}
