namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>A Messages chat (chat ROWID = <see cref="Id"/>) with the contacts taking part.</summary>
public sealed record GeneratedConversation(long Id, string Guid, string Service, IReadOnlyList<long> ContactIds, string? DisplayName)
{
    public bool IsGroup => ContactIds.Count > 1;
}
