using Keepsake.TestKit;

namespace Keepsake.Export.Tests.Support;

/// <summary>
/// A fact that reads output with ical.js (see <see cref="IcalJs"/>), optionally from shared fixtures:
/// skipped when a fixture is absent, or (outside CI) when node or the npm package is; under CI a
/// missing ical.js fails the test, since test.sh installs it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IcalJsFactAttribute : FactAttribute
{
    public IcalJsFactAttribute(params string[] fixtures)
    {
        ArgumentNullException.ThrowIfNull(fixtures);
        var missing = fixtures.Where(f => !Fixtures.Exists(f)).ToList();
        if (missing.Count > 0)
        {
            Skip = $"Shared fixture(s) not present beside the project (../shared/fixtures): {string.Join(", ", missing)}";
        }
        else if (!IcalJs.Installed && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "Needs node and ical.js (npm ci --prefix tests/Keepsake.Export.Tests/js; ./test.sh does it).";
        }
    }
}
