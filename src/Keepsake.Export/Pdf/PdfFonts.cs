namespace Keepsake.Export.Pdf;

/// <summary>
/// The fonts a <see cref="PdfTextDocument"/> writes with: either the standard Courier pair (nothing
/// embedded, Windows-1252 only, other characters print as '?'), or TrueType fonts found on the system,
/// embedded as subsets so that any character they cover prints and stays extractable. Each style has a
/// list: a character uses the first font that has it (a monospaced font first, then wider-coverage ones).
/// </summary>
public sealed class PdfFonts
{
    private static readonly Lazy<PdfFonts> SystemLazy = new(FindSystem);

    private PdfFonts(IReadOnlyList<TrueTypeFont> regular, IReadOnlyList<TrueTypeFont> bold)
    {
        Regular = regular;
        Bold = bold.Count > 0 ? bold : regular;
    }

    /// <summary>Courier and Courier-Bold, not embedded (Windows-1252 text only).</summary>
    public static PdfFonts Standard { get; } = new([], []);

    /// <summary>The system's fonts (DejaVu on Linux, Courier New and Arial on macOS and Windows), or <see cref="Standard"/> when none is found. Read once per process.</summary>
    public static PdfFonts System => SystemLazy.Value;

    /// <summary>Whether TrueType fonts are embedded.</summary>
    public bool IsEmbedded => Regular.Count > 0;

    internal IReadOnlyList<TrueTypeFont> Regular { get; }

    internal IReadOnlyList<TrueTypeFont> Bold { get; }

    /// <summary>Fonts from TrueType files, in order of preference; files that are absent, unreadable, not TrueType or not embeddable are skipped.</summary>
    public static PdfFonts FromFiles(IEnumerable<string> regular, IEnumerable<string> bold)
    {
        ArgumentNullException.ThrowIfNull(regular);
        ArgumentNullException.ThrowIfNull(bold);
        var r = LoadAll(regular);
        return r.Count == 0 ? Standard : new PdfFonts(r, LoadAll(bold));
    }

    private static PdfFonts FindSystem()
    {
        if (OperatingSystem.IsWindows())
        {
            var fonts = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.Windows), "Fonts");
            return FromFiles(
                [Path.Combine(fonts, "cour.ttf"), Path.Combine(fonts, "arial.ttf"), Path.Combine(fonts, "seguisym.ttf")],
                [Path.Combine(fonts, "courbd.ttf"), Path.Combine(fonts, "arialbd.ttf"), Path.Combine(fonts, "seguisym.ttf")]);
        }

        if (OperatingSystem.IsMacOS())
        {
            const string Supplemental = "/System/Library/Fonts/Supplemental/";
            return FromFiles(
                [Supplemental + "Courier New.ttf", Supplemental + "Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf", Supplemental + "Arial.ttf"],
                [Supplemental + "Courier New Bold.ttf", Supplemental + "Arial Bold.ttf", Supplemental + "Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf"]);
        }

        // Debian/Ubuntu (fonts-dejavu-core), Arch, Fedora; Droid Sans Fallback adds CJK where installed.
        string[] folders = ["/usr/share/fonts/truetype/dejavu/", "/usr/share/fonts/TTF/", "/usr/share/fonts/dejavu-sans-mono-fonts/", "/usr/share/fonts/dejavu-sans-fonts/", "/usr/share/fonts/dejavu/"];
        IEnumerable<string> In(params string[] names) => names.Select(n => folders.Select(f => f + n).FirstOrDefault(File.Exists)).OfType<string>();
        string[] cjk = ["/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"];
        return FromFiles(
            [.. In("DejaVuSansMono.ttf", "DejaVuSans.ttf"), .. cjk],
            [.. In("DejaVuSansMono-Bold.ttf", "DejaVuSans-Bold.ttf"), .. cjk]);
    }

    private static List<TrueTypeFont> LoadAll(IEnumerable<string> paths)
    {
        var fonts = new List<TrueTypeFont>();
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            try
            {
                if (File.Exists(path) && TrueTypeFont.Load(path) is { EmbeddingRestricted: false } font)
                {
                    fonts.Add(font);
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                // Not usable: the next candidate (or the standard fonts) serves.
            }
        }

        return fonts;
    }
}
