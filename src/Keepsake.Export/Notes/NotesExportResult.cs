namespace Keepsake.Export.Notes;

/// <summary>What the notes export wrote: notes written, of which locked (password-protected, listed without text) and undecodable.</summary>
public sealed record NotesExportResult(int Notes, int Locked, int Failed);
