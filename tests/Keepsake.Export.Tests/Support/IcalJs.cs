using System.Text.Json;
using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Support;

/// <summary>
/// ical.js (Mozilla's maintained RFC 5545 / RFC 6350 parser, an npm package pinned in
/// tests/Keepsake.Export.Tests/js and installed there by test.sh) run by node: an independent reader
/// of the vCard and iCalendar output. Returns jCard/jCal (RFC 7095 / RFC 7265) JSON.
/// </summary>
internal static class IcalJs
{
    public static string Folder => Path.Combine(Fixtures.ProjectRoot, "tests", "Keepsake.Export.Tests", "js");

    public static bool Installed => ExternalTool.Find("node") is not null && File.Exists(Path.Combine(Folder, "node_modules", "ical.js", "package.json"));

    /// <summary>Parses the file; fails the test with ical.js's message when it rejects it.</summary>
    public static List<JCardComponent> Parse(string path)
    {
        Assert.True(Installed, $"ical.js is not installed: run npm ci --prefix {Folder} (./test.sh does).");
        var result = ExternalTool.Run("node", [Path.Combine(Folder, "parse.mjs"), path], TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, "ical.js rejected the file:\n" + result.StandardError);
        using var document = JsonDocument.Parse(result.StandardOutput);
        return [.. document.RootElement.EnumerateArray().Select(JCardComponent.From)];
    }
}

/// <summary>One jCard/jCal component: its name, properties and sub-components.</summary>
internal sealed record JCardComponent(string Name, IReadOnlyList<JCardProperty> Properties, IReadOnlyList<JCardComponent> Components)
{
    public static JCardComponent From(JsonElement element) => new(
        element[0].GetString()!,
        [.. element[1].EnumerateArray().Select(JCardProperty.From)],
        [.. element[2].EnumerateArray().Select(From)]);

    public IEnumerable<JCardProperty> All(string name) => Properties.Where(p => p.Name == name);

    public JCardProperty One(string name) => Assert.Single(All(name));
}

/// <summary>One property: name (lower case), parameters, value type and values (a structured value is a list).</summary>
internal sealed record JCardProperty(string Name, IReadOnlyDictionary<string, string> Parameters, string Type, IReadOnlyList<JsonElement> Values)
{
    public static JCardProperty From(JsonElement element) => new(
        element[0].GetString()!,
        element[1].EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.Array ? string.Join(',', p.Value.EnumerateArray().Select(v => v.GetString())) : p.Value.ToString()),
        element[2].GetString()!,
        [.. element.EnumerateArray().Skip(3).Select(v => v.Clone())]);

    /// <summary>The single text value (unescaped by ical.js).</summary>
    public string Text => Values[0].ValueKind == JsonValueKind.String ? Values[0].GetString()! : Values[0].ToString();

    /// <summary>The components of a structured value (N, ADR, ORG), unescaped.</summary>
    public IReadOnlyList<string> Parts => Values[0].ValueKind == JsonValueKind.Array
        ? [.. Values[0].EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Array ? string.Join(',', v.EnumerateArray().Select(x => x.GetString())) : v.GetString() ?? string.Empty)]
        : [Text];
}
