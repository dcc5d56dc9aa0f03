namespace Keepsake.TestKit;

/// <summary>A fact that needs a shared fixture; skipped, saying which, when it is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FixtureFactAttribute : FactAttribute
{
    public FixtureFactAttribute(params string[] fixtures)
    {
        ArgumentNullException.ThrowIfNull(fixtures);
        var missing = fixtures.Where(f => !Fixtures.Exists(f)).ToList();
        if (missing.Count > 0)
        {
            Skip = $"Shared fixture(s) not present beside the project (../shared/fixtures): {string.Join(", ", missing)}";
        }
    }
}

/// <summary>A theory that needs a shared fixture; skipped, saying which, when it is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FixtureTheoryAttribute : TheoryAttribute
{
    public FixtureTheoryAttribute(params string[] fixtures)
    {
        ArgumentNullException.ThrowIfNull(fixtures);
        var missing = fixtures.Where(f => !Fixtures.Exists(f)).ToList();
        if (missing.Count > 0)
        {
            Skip = $"Shared fixture(s) not present beside the project (../shared/fixtures): {string.Join(", ", missing)}";
        }
    }
}
