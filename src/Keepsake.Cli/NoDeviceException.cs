namespace Keepsake.Cli;

/// <summary>No iPhone is connected (or not the one asked for).</summary>
internal sealed class NoDeviceException(string message) : Exception(message);
