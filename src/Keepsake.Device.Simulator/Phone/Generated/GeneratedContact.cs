namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>An AddressBook person of the generated phone (ABPerson ROWID = <see cref="Id"/>).</summary>
public sealed record GeneratedContact(long Id, string Guid, string First, string Last, string? Organization, string Phone, string? Email, string? Note, bool HasPhoto, DateTimeOffset Created, DateTimeOffset Modified)
{
    public string FullName => $"{First} {Last}";
}
