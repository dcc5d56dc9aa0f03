namespace Keepsake.Web.Data;

/// <summary>The snapshot is an encrypted backup and this session has no (right) password for its phone yet.</summary>
public sealed class PasswordNeededException(string udid, bool wrongPassword)
    : WebException(409, wrongPassword ? "That password does not open this backup." : "This backup is encrypted: its password is needed.")
{
    /// <summary>The phone whose backup password is asked for.</summary>
    public string Udid { get; } = udid;

    /// <summary>Whether a password was given and refused.</summary>
    public bool WrongPassword { get; } = wrongPassword;
}
