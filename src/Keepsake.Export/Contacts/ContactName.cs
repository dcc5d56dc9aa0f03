namespace Keepsake.Export.Contacts;

/// <summary>Builds the display name of an AddressBook person.</summary>
public static class ContactName
{
    /// <summary>"First Middle Last", else the organisation, else the nickname; null when all are empty.</summary>
    public static string? Format(string? first, string? middle, string? last, string? organization, string? nickname)
    {
        var parts = new[] { first, middle, last }.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim());
        var name = string.Join(' ', parts);
        if (name.Length > 0)
        {
            return name;
        }

        if (!string.IsNullOrWhiteSpace(organization))
        {
            return organization.Trim();
        }

        return string.IsNullOrWhiteSpace(nickname) ? null : nickname.Trim();
    }
}
