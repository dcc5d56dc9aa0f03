using Keepsake.Primitives;

namespace Keepsake.Cli;

/// <summary>
/// Hooks for the process-level tests, inert unless their environment variable is set (documented in
/// CONTRIBUTING.md, "Test hooks"). <c>KEEPSAKE_TEST_PAUSE_AFTER_OPEN=&lt;file&gt;</c>: once a backup is
/// open (an encrypted one's Manifest.db decrypted into the run's temporary folder), write that folder's
/// path to &lt;file&gt; (which must not exist yet) and wait, for at most two minutes or until cancelled, so
/// that a test can signal or kill the process while it holds decrypted data.
/// </summary>
internal static class TestHooks
{
    public const string PauseAfterOpenVariable = "KEEPSAKE_TEST_PAUSE_AFTER_OPEN";

    public static async Task PauseAfterOpenAsync(CancellationToken cancellationToken)
    {
        var marker = Environment.GetEnvironmentVariable(PauseAfterOpenVariable);
        if (string.IsNullOrEmpty(marker))
        {
            return;
        }

        using (var stream = OwnerOnlyFile.Create(marker))
        using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(RunTemp.CurrentOrNull ?? string.Empty);
        }

        await Task.Delay(TimeSpan.FromMinutes(2), cancellationToken);
    }
}
