namespace Keepsake.Repository;

/// <summary>No key file of the repository opens with the given password. Names no secret.</summary>
public sealed class WrongPasswordException : IOException
{
    public WrongPasswordException(int keysTried)
        : base($"Wrong password: none of the repository's {keysTried} key file(s) opens with it.")
    {
        KeysTried = keysTried;
    }

    /// <summary>How many key files were tried.</summary>
    public int KeysTried { get; }
}
