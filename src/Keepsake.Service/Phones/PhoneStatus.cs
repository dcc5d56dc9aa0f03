namespace Keepsake.Service.Phones;

/// <summary>A phone as the API shows it.</summary>
public sealed record PhoneStatus(PhoneRecord Record, IReadOnlyList<string> Connections, bool BackingUp, DateTimeOffset? NextDue);
