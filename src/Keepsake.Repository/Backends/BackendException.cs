namespace Keepsake.Repository.Backends;

/// <summary>
/// A storage operation failed. <see cref="IsTransient"/> says whether repeating the same call may
/// succeed (a timeout, a dropped connection); only a retry decorator reads it.
/// </summary>
public class BackendException : IOException
{
    public BackendException(string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        IsTransient = isTransient;
    }

    /// <summary>Whether the same call may succeed if repeated.</summary>
    public bool IsTransient { get; }
}
