namespace Keepsake.Cli;

/// <summary>A password is needed, and there is no terminal to ask, no variable and no file.</summary>
internal sealed class PasswordUnavailableException(string message) : Exception(message);
