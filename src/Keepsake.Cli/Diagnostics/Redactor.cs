using System.Text.RegularExpressions;
using Keepsake.Primitives;

namespace Keepsake.Cli.Diagnostics;

/// <summary>
/// Removes secrets from text that leaves the computer (the <c>keepsake doctor</c> bundle). Two layers: the
/// values of every environment variable whose name says it holds a secret (passwords, AWS keys, tokens) are
/// replaced wherever they appear, and shapes that only secrets have are replaced whatever they hold: PEM
/// blocks (pair-record keys and certificates), long base64 or hex runs (keys, escrow bags, signatures),
/// credentials in URLs and <c>name=value</c> pairs whose name says secret. Each becomes
/// <see cref="Secret.Redacted"/>.
/// </summary>
internal sealed partial class Redactor
{
    private readonly List<string> _values;

    public Redactor(IEnumerable<string> secretValues)
    {
        ArgumentNullException.ThrowIfNull(secretValues);
        // Longest first, so a secret that contains another is removed whole. Very short values (a one-letter
        // test password) would redact ordinary words; the shapes below still catch real keys.
        _values = secretValues.Where(v => v.Trim().Length >= 4).Select(v => v.Trim()).Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length).ToList();
    }

    /// <summary>A redactor for the secrets in this process's environment.</summary>
    public static Redactor FromEnvironment()
    {
        var values = new List<string>();
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && IsSecretName(name) && entry.Value is string value)
            {
                values.Add(value);
            }
        }

        return new Redactor(values);
    }

    /// <summary>Whether a variable or field named <paramref name="name"/> holds a secret.</summary>
    public static bool IsSecretName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return SecretName().IsMatch(name);
    }

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var value in _values)
        {
            text = text.Replace(value, Secret.Redacted, StringComparison.Ordinal);
        }

        text = PemBlock().Replace(text, Secret.Redacted);
        text = UrlCredentials().Replace(text, "://" + Secret.Redacted + "@");
        text = SecretAssignment().Replace(text, m => m.Groups["name"].Value + m.Groups["sep"].Value + Secret.Redacted);
        text = LongBase64().Replace(text, m => LooksRandom(m.Value) ? Secret.Redacted : m.Value);
        return LongHex().Replace(text, Secret.Redacted);
    }

    /// <summary>Key material mixes digits, capitals and small letters; a long path or a word run does not.</summary>
    private static bool LooksRandom(string run) =>
        run.Any(char.IsAsciiDigit) && run.Any(char.IsAsciiLetterUpper) && run.Any(char.IsAsciiLetterLower);

    [GeneratedRegex(@"(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE|ACCESS_KEY|APIKEY|API_KEY|ESCROW|SESSION_KEY)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"-----BEGIN [A-Z0-9 ]+-----.*?(-----END [A-Z0-9 ]+-----|\z)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex PemBlock();

    [GeneratedRegex(@"://[^/\s:@]+:[^/\s@]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UrlCredentials();

    [GeneratedRegex(@"(?<name>[A-Za-z0-9_.-]*(password|passwd|secret|token|signature|credential|private[_-]?key|access[_-]?key)[A-Za-z0-9_.-]*)(?<sep>\s*[=:]\s*)(?!\*\*redacted)[^\s&,;""']+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretAssignment();

    // 40 or more base64 characters in a row (a 30-byte key or longer) that look random (above). UDIDs (hex,
    // 40 digits at most) stay: the hex rule below starts at 48 digits, where keys and digests are.
    [GeneratedRegex(@"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40,}={0,2}", RegexOptions.CultureInvariant)]
    private static partial Regex LongBase64();

    [GeneratedRegex(@"(?<![0-9A-Fa-f])[0-9A-Fa-f]{48,}(?![0-9A-Fa-f])", RegexOptions.CultureInvariant)]
    private static partial Regex LongHex();
}
