namespace Keepsake.Cli;

/// <summary>There is no vault at the location the command was given.</summary>
internal sealed class VaultNotFoundException(string location)
    : Exception($"there is no vault at {location} (create one with 'keepsake init', or import a backup).");
