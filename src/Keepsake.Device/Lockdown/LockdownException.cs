namespace Keepsake.Device.Lockdown;

/// <summary>
/// lockdownd refused a request. <see cref="Error"/> is the typed error, <see cref="ErrorString"/> the
/// device's wire string; the message says what the user should do on the phone.
/// </summary>
public class LockdownException : IOException
{
    public LockdownException(LockdownError error, string errorString, string request)
        : base(Describe(error, errorString, request))
    {
        Error = error;
        ErrorString = errorString;
        Request = request;
    }

    public LockdownException(string message)
        : base(message)
    {
        ErrorString = string.Empty;
        Request = string.Empty;
    }

    public LockdownException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorString = string.Empty;
        Request = string.Empty;
    }

    public LockdownError Error { get; }

    public string ErrorString { get; }

    /// <summary>The lockdown request that failed.</summary>
    public string Request { get; }

    /// <summary>Whether retrying after the user acts on the phone can succeed.</summary>
    public bool IsTransient => Error is LockdownError.PasswordProtected or LockdownError.PairingDialogResponsePending;

    /// <summary>Maps a wire error string to <see cref="LockdownError"/>.</summary>
    public static LockdownError Parse(string errorString) =>
        Enum.TryParse<LockdownError>(errorString, ignoreCase: false, out var error) && error != LockdownError.Unknown ? error : LockdownError.Unknown;

    private static string Describe(LockdownError error, string errorString, string request) => error switch
    {
        LockdownError.PasswordProtected => "The iPhone is locked with a passcode. Unlock your iPhone, keep it unlocked, and try again.",
        LockdownError.PairingDialogResponsePending => "The iPhone is asking whether to trust this computer. Tap Trust on the iPhone (and enter the passcode), then try again.",
        LockdownError.UserDeniedPairing => "Pairing was refused on the iPhone (\"Don't Trust\"). Unplug and reconnect the iPhone, then tap Trust.",
        LockdownError.InvalidHostID => "The iPhone no longer recognises this computer's pairing. Remove the pairing (re-pair): unpair, then pair again and tap Trust on the iPhone.",
        LockdownError.PairingProhibitedOverThisConnection => "Pairing is not possible over Wi-Fi. Connect the iPhone with a USB cable to pair it first.",
        LockdownError.EscrowLocked => "The iPhone has not been unlocked since it restarted. Unlock it once, then try again.",
        LockdownError.InvalidService or LockdownError.MissingService => $"The iPhone does not offer the requested service ({request}).",
        LockdownError.ServiceProhibited => $"The iPhone refused the service ({request}); it may be supervised or restricted.",
        LockdownError.MCChallengeRequired or LockdownError.MCProtected => "The iPhone is supervised and does not allow pairing with this computer.",
        _ => $"lockdownd refused {request}: {errorString}.",
    };
}
