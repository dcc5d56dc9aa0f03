namespace Keepsake.Device.Services.InstallationProxy;

/// <summary>installation_proxy answered a command with an error (its <c>Error</c> name and description).</summary>
public sealed class InstallationProxyException : IOException
{
    public InstallationProxyException(string error, string? description)
        : base($"installation_proxy failed: {error}{(string.IsNullOrEmpty(description) ? string.Empty : " (" + description + ")")}.")
    {
        Error = error;
    }

    /// <summary>The device's error name (for example <c>APIInternalError</c>).</summary>
    public string Error { get; }
}
