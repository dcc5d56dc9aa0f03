using Keepsake.Service.Security;

namespace Keepsake.Service;

/// <summary>How the JSON API under <c>/api/v1</c> admits callers; extensions may add schemes in <see cref="IServeExtension.ConfigureServices"/>.</summary>
public sealed class ServiceApiOptions
{
    /// <summary>The name of the authorization policy every API endpoint requires.</summary>
    public const string Policy = "KeepsakeApi";

    /// <summary>
    /// The authentication schemes that open the API; the bearer scheme first. A scheme added here that
    /// relies on an ambient credential (a cookie) is covered by the CSRF check on state-changing calls.
    /// </summary>
    public IList<string> AuthenticationSchemes { get; } = [BearerTokenDefaults.Scheme];
}
