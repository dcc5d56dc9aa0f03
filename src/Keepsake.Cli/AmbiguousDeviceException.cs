namespace Keepsake.Cli;

/// <summary>More than one iPhone (attached, or in the vault) fits and none was chosen with --device: exit 2, the message lists them.</summary>
internal sealed class AmbiguousDeviceException(string message) : Exception(message);
