namespace Keepsake.Service;

/// <summary>The service cannot start as configured: a bad option or config field, named in <see cref="Field"/> and the message.</summary>
public sealed class ServeConfigurationException : Exception
{
    public ServeConfigurationException(string field, string message)
        : base(message) => Field = field;

    public ServeConfigurationException(string field, string message, Exception innerException)
        : base(message, innerException) => Field = field;

    /// <summary>The option or config field at fault (e.g. <c>--listen</c>, <c>phones[0].intervalHours</c>).</summary>
    public string Field { get; }
}
