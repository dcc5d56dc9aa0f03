namespace Keepsake.Repository.Backends;

/// <summary>Name rules shared by all backends: the restic folder layout and ID validation.</summary>
public static class BackendNames
{
    /// <summary>The config file's name.</summary>
    public const string ConfigName = "config";

    /// <summary>The folder of <paramref name="type"/> ("keys", "locks", "snapshots", "index", "data").</summary>
    public static string Folder(FileType type) => type switch
    {
        FileType.Config => string.Empty,
        FileType.Key => "keys",
        FileType.Lock => "locks",
        FileType.Snapshot => "snapshots",
        FileType.Index => "index",
        FileType.Pack => "data",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The path of a file relative to the repository root, with '/' separators.</summary>
    public static string RelativePath(FileType type, string name)
    {
        Validate(type, name);
        return type switch
        {
            FileType.Config => ConfigName,
            FileType.Pack => $"data/{name[..2]}/{name}",
            _ => $"{Folder(type)}/{name}",
        };
    }

    /// <summary>Whether <paramref name="name"/> is 64 lower-case hex characters.</summary>
    public static bool IsStorageId(string name) =>
        name.Length == 64 && name.All(c => char.IsAsciiDigit(c) || (c >= 'a' && c <= 'f'));

    /// <summary>Throws <see cref="ArgumentException"/> unless the name is valid for the type.</summary>
    public static void Validate(FileType type, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (type != FileType.Config && !IsStorageId(name))
        {
            throw new ArgumentException($"'{name}' is not a 64-character lower-case hex storage ID.", nameof(name));
        }
    }
}
