namespace Keepsake.TestKit;

/// <summary>
/// A theory that needs external programs: skipped with their names when one is missing, except under
/// CI (CI=true), where the test command installs them and a missing one fails (as <see cref="ToolFactAttribute"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolTheoryAttribute : TheoryAttribute
{
    public ToolTheoryAttribute(params string[] tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var missing = tools.Where(t => ExternalTool.Find(t) is null).ToList();
        if (missing.Count > 0 && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"Needs {string.Join(", ", missing)} on PATH (./test.sh installs them).";
        }
    }
}
