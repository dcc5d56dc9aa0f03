namespace Keepsake.Export.History;

/// <summary>
/// One item of phone data as a snapshot holds it: a message, contact, photo, call or note.
/// </summary>
/// <param name="Kind">What it is.</param>
/// <param name="Id">
/// Its stable id across backups of the same phone: <c>message:&lt;guid&gt;</c>, <c>contact:&lt;guid&gt;</c>,
/// <c>photo:&lt;uuid&gt;</c>, <c>call:&lt;unique id&gt;</c>, <c>note:&lt;identifier&gt;</c>.
/// </param>
/// <param name="Date">When it was sent, taken, made or last modified (notes and contacts), when known.</param>
/// <param name="Title">The conversation (messages), the name (contacts), the file's directory and name (photos), the number (calls) or the title (notes).</param>
/// <param name="Sender">Messages: who sent it ("Me" for the owner's own messages); null for other kinds.</param>
/// <param name="Text">The message text, the note's body, the contact's values or the call's details; empty when there is none.</param>
public sealed record DataItem(DataKind Kind, string Id, DateTimeOffset? Date, string Title, string? Sender, string Text)
{
    /// <summary>
    /// The fields compared to decide whether an item kept in both snapshots changed, by name
    /// (e.g. <c>organization</c>, <c>note</c>, <c>phones</c> for a contact). Never holds bookkeeping dates.
    /// </summary>
    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
