namespace Keepsake.Cli;

/// <summary>The user did not confirm a destructive step (such as restoring onto a phone); nothing was done. Exit 130.</summary>
internal sealed class NotConfirmedException(string message) : Exception(message);
