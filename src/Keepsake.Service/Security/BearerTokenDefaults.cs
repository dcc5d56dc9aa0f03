namespace Keepsake.Service.Security;

/// <summary>Names of the bearer-token scheme that guards the API.</summary>
public static class BearerTokenDefaults
{
    /// <summary>The authentication scheme's name.</summary>
    public const string Scheme = "KeepsakeBearer";
}
