namespace Keepsake.TestKit;

/// <summary>
/// A fact that runs programs as the unprivileged user <c>nobody</c> through <c>runuser</c>, so that file
/// permissions apply (root ignores them). It needs root, <c>runuser</c> and the named shared fixtures.
/// Elsewhere it is skipped saying what is missing; under CI (CI=true) a missing root or runuser fails
/// the test instead (the CI machine has both).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnprivilegedUserFactAttribute : FactAttribute
{
    public UnprivilegedUserFactAttribute(params string[] fixtures)
    {
        ArgumentNullException.ThrowIfNull(fixtures);
        var missingFixtures = fixtures.Where(f => !Fixtures.Exists(f)).ToList();
        if (missingFixtures.Count > 0)
        {
            Skip = $"Shared fixture(s) not present beside the project (../shared/fixtures): {string.Join(", ", missingFixtures)}";
            return;
        }

        if (MissingPrerequisite() is { } missing && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = missing;
        }
    }

    /// <summary>What keeps the test from running as <c>nobody</c>, or null when nothing does.</summary>
    public static string? MissingPrerequisite()
    {
        if (OperatingSystem.IsWindows())
        {
            return "Needs a Unix system (runs a program as the user nobody).";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "Needs to run as root, to start programs as the user nobody through runuser.";
        }

        return ExternalTool.Find("runuser") is null ? "Needs runuser on PATH (util-linux; ./test.sh installs it)." : null;
    }
}
