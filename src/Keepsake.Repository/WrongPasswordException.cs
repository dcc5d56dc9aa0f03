namespace Keepsake.Repository;

/// <summary>
/// No key file of the repository opens with the given password. Names the key files tried (their IDs
/// are not secret), since a damaged key file looks the same as a wrong password. Names no secret.
/// </summary>
public sealed class WrongPasswordException : IOException
{
    public WrongPasswordException(IReadOnlyList<string> keyIds)
        : base($"Wrong password (or damaged key files): none of the repository's {keyIds?.Count} key file(s) opens with it"
            + (keyIds is { Count: > 0 and <= 3 } ? $" ({string.Join(", ", keyIds)})." : "."))
    {
        ArgumentNullException.ThrowIfNull(keyIds);
        KeyIds = [.. keyIds];
        KeysTried = keyIds.Count;
    }

    /// <summary>How many key files were tried.</summary>
    public int KeysTried { get; }

    /// <summary>The IDs of the key files tried.</summary>
    public IReadOnlyList<string> KeyIds { get; }
}
