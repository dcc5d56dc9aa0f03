namespace Keepsake.Export.Messages.TypedStream;

/// <summary>The decoded body of a message: its text and the attribute runs covering it.</summary>
public sealed class AttributedBody
{
    public AttributedBody(string text, IReadOnlyList<AttributedRun> runs, IReadOnlyList<string> diagnostics)
    {
        Text = text;
        Runs = runs;
        Diagnostics = diagnostics;
    }

    public string Text { get; }

    public IReadOnlyList<AttributedRun> Runs { get; }

    /// <summary>Problems that did not stop decoding (e.g. runs longer than the text, clamped).</summary>
    public IReadOnlyList<string> Diagnostics { get; }

    /// <summary>The text with attachment placeholders (U+FFFC) and app-balloon marks (U+FFFD) removed.</summary>
    public string PlainText => Text.Replace("\uFFFC", string.Empty, StringComparison.Ordinal).Replace("\uFFFD", string.Empty, StringComparison.Ordinal);
}
