using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// A fact that mounts a small tmpfs (to fill a disk) and reads shared fixtures: skipped, saying why,
/// when mounting is not permitted (not root, or a container without the right) or a fixture is absent.
/// Under CI it still skips when mounting is not permitted; where it is, the test runs and must pass.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute(params string[] fixtures)
    {
        ArgumentNullException.ThrowIfNull(fixtures);
        var missing = fixtures.Where(f => !Fixtures.Exists(f)).ToList();
        if (missing.Count > 0)
        {
            Skip = $"Shared fixture(s) not present beside the project (../shared/fixtures): {string.Join(", ", missing)}";
        }
        else if (!TmpfsMount.IsPermitted)
        {
            Skip = "Mounting a tmpfs is not permitted here (needs root with the right to mount), so a full disk cannot be made.";
        }
    }
}
