namespace Keepsake.Repository.Backends;

/// <summary>The named file does not exist in the backend. Never transient.</summary>
public sealed class BackendNotFoundException : BackendException
{
    public BackendNotFoundException(FileType type, string name, Exception? innerException = null)
        : base($"{type} file '{name}' does not exist.", isTransient: false, innerException)
    {
        Type = type;
        Name = name;
    }

    /// <summary>The file's type.</summary>
    public FileType Type { get; }

    /// <summary>The file's name.</summary>
    public string Name { get; }
}
