namespace Keepsake.Cli;

/// <summary>The command line is wrong in a way the parser cannot see (conflicting options, a bad value).</summary>
internal sealed class UsageException(string message) : Exception(message);
