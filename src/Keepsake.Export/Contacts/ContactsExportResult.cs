namespace Keepsake.Export.Contacts;

/// <summary>What the contacts export wrote.</summary>
public sealed record ContactsExportResult(int Contacts, int WithPhoto, string File);
