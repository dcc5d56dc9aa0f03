namespace Keepsake.Export.Messages;

/// <summary>A handle (phone number or e-mail) and the contact name it resolved to, if any.</summary>
public sealed record Participant(string Handle, string? Name)
{
    /// <summary>"Name (handle)" when the name is known, else the handle.</summary>
    public string DisplayName => Name is null ? Handle : $"{Name} ({Handle})";
}
