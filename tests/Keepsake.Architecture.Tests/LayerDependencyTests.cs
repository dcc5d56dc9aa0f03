using System.Reflection;
using System.Xml.Linq;

namespace Keepsake.Architecture.Tests;

/// <summary>
/// The dependency direction of docs/design/architecture.md, checked twice: on the compiled
/// assemblies' references (what the code really uses) and on the project files' references
/// (what a project is allowed to start using). A layer that reaches where it must not fails here.
/// </summary>
public sealed class LayerDependencyTests
{
    /// <summary>For each project, the Keepsake projects it may reference. Anything else is forbidden.</summary>
    public static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Keepsake.Primitives"] = [],
        ["Keepsake.Plist"] = ["Keepsake.Primitives"],
        ["Keepsake.BackupFormat"] = ["Keepsake.Primitives", "Keepsake.Plist"],
        ["Keepsake.Repository"] = ["Keepsake.Primitives"],
        ["Keepsake.Repository.S3"] = ["Keepsake.Primitives", "Keepsake.Repository"],
        ["Keepsake.Device"] = ["Keepsake.Primitives", "Keepsake.Plist"],
        ["Keepsake.Device.Simulator"] = ["Keepsake.Primitives", "Keepsake.Plist", "Keepsake.Device", "Keepsake.BackupFormat"],
        ["Keepsake.Engine"] = ["Keepsake.Primitives", "Keepsake.Plist", "Keepsake.Device", "Keepsake.BackupFormat", "Keepsake.Repository"],
        ["Keepsake.Export"] = ["Keepsake.Primitives", "Keepsake.Plist", "Keepsake.BackupFormat"],
        ["Keepsake.Web"] = ["Keepsake.Primitives", "Keepsake.Plist", "Keepsake.BackupFormat", "Keepsake.Repository", "Keepsake.Engine", "Keepsake.Export", "Keepsake.Service"],
        ["Keepsake.Cli"] = ["*"],
        ["Keepsake.Service"] = ["Keepsake.Primitives", "Keepsake.Plist", "Keepsake.BackupFormat", "Keepsake.Repository", "Keepsake.Device", "Keepsake.Engine"],
    };

    public static TheoryData<string> SourceProjects()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(FindRoot(), "src")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void ProjectFile_References_OnlyAllowedLayers(string project)
    {
        Assert.True(Allowed.ContainsKey(project), $"{project} has no entry in the layer table: add it (and to docs/design/architecture.md).");
        var csproj = XDocument.Load(Path.Combine(FindRoot(), "src", project, project + ".csproj"));
        var referenced = csproj.Descendants("ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();
        AssertAllowed(project, referenced, "project file");
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void Assembly_References_OnlyAllowedLayers(string project)
    {
        // The command line's assembly is named after its executable.
        var path = Path.Combine(AppContext.BaseDirectory, (project == "Keepsake.Cli" ? "keepsake" : project) + ".dll");
        Assert.True(File.Exists(path), $"{project}.dll was not built beside the tests (this test project references every src project).");
        var referenced = AssemblyName.GetAssemblyName(path) is { } name
            ? Assembly.LoadFrom(path).GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Keepsake.", StringComparison.Ordinal)).ToList()
            : [];
        AssertAllowed(project, referenced, "compiled assembly");
    }

    [Fact]
    public void ForbiddenEdges_AreRejectedByTheTable()
    {
        // The edges the design forbids explicitly; this guards the table itself against a careless edit.
        (string From, string To)[] forbidden =
        [
            ("Keepsake.Device", "Keepsake.BackupFormat"), ("Keepsake.Device", "Keepsake.Repository"),
            ("Keepsake.BackupFormat", "Keepsake.Device"), ("Keepsake.BackupFormat", "Keepsake.Repository"),
            ("Keepsake.Repository", "Keepsake.Device"), ("Keepsake.Repository", "Keepsake.BackupFormat"),
            ("Keepsake.Export", "Keepsake.Repository"), ("Keepsake.Export", "Keepsake.Device"), ("Keepsake.Export", "Keepsake.Engine"),
        ];
        foreach (var (from, to) in forbidden)
        {
            Assert.DoesNotContain(to, Allowed[from]);
        }
    }

    private static void AssertAllowed(string project, IEnumerable<string> referenced, string where)
    {
        var allowed = Allowed[project];
        if (allowed.Contains("*"))
        {
            return;
        }

        var bad = referenced.Where(r => r.StartsWith("Keepsake.", StringComparison.Ordinal) && !allowed.Contains(r)).ToList();
        Assert.True(bad.Count == 0, $"{project} ({where}) references {string.Join(", ", bad)}, which its layer must not use. Allowed: {string.Join(", ", allowed)}.");
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Keepsake.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Keepsake.slnx not found above the test folder.");
    }
}
