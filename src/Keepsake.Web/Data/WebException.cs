namespace Keepsake.Web.Data;

/// <summary>What a page could not show, and the HTTP status it answers with: a typed error, never a crash.</summary>
public class WebException(int status, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The HTTP status code (400 bad input, 404 absent, 409 needs a password...).</summary>
    public int Status { get; } = status;
}
