namespace Keepsake.Export.Contacts;

/// <summary>
/// Normalises phone numbers and e-mail addresses so that a handle in sms.db (<c>+15551234567</c>)
/// matches the same number in the AddressBook (<c>(555) 123-4567</c>): e-mail addresses compare
/// case-insensitively; phone numbers by their digits, and failing that by their last 10 digits
/// (national number without a country code, for NANP and most of Europe).
/// </summary>
public static class PhoneNumberKey
{
    /// <summary>Digits kept for the suffix match.</summary>
    public const int SuffixDigits = 10;

    /// <summary>The exact key: lower-case e-mail, or the digits of a phone number; null when neither.</summary>
    public static string? Exact(string? handle)
    {
        if (string.IsNullOrWhiteSpace(handle))
        {
            return null;
        }

        var trimmed = handle.Trim();
        if (trimmed.Contains('@', StringComparison.Ordinal))
        {
            return trimmed.ToLowerInvariant();
        }

        if (trimmed.StartsWith("tel:", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed[4..];
        }

        var digits = new string(trimmed.Where(char.IsAsciiDigit).ToArray());
        return digits.Length >= 3 ? digits : null;
    }

    /// <summary>The suffix key (last 10 digits) of a phone number, or null for e-mail and short numbers.</summary>
    public static string? Suffix(string? handle)
    {
        var exact = Exact(handle);
        if (exact is null || exact.Contains('@', StringComparison.Ordinal) || exact.Length < 7)
        {
            return null;
        }

        return exact.Length > SuffixDigits ? exact[^SuffixDigits..] : exact;
    }
}
