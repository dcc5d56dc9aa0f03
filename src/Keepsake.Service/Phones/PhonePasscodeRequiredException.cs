namespace Keepsake.Service.Phones;

/// <summary>The phone asked for its passcode to allow the backup and it was not typed in time (iOS 16.1+).</summary>
public sealed class PhonePasscodeRequiredException(string message) : IOException(message);
