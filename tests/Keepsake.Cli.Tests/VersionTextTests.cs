namespace Keepsake.Cli.Tests;

public sealed class VersionTextTests
{
    [Theory]
    [InlineData("0.1.0+2faec29f221f1b3e12b3c51d2de2a02aff2f8222", "keepsake 0.1.0 (commit 2faec29f221f)")]
    [InlineData("0.1.0-rc.1+abc", "keepsake 0.1.0-rc.1 (commit abc)")]
    [InlineData("0.1.0", "keepsake 0.1.0")]
    [InlineData("0.1.0+", "keepsake 0.1.0")]
    public void Format_InformationalVersion_PrintsVersionAndShortCommit(string informational, string expected)
    {
        Assert.Equal(expected, VersionText.Format(informational));
    }

    [Fact]
    public void Run_VersionOption_PrintsTheVersionAndTheCommitOfThisCheckout()
    {
        var result = KeepsakeProcess.Run(["--version"]).EnsureSuccess("keepsake --version");

        // The tests build from a git checkout, so the commit is known; it is the checkout's HEAD.
        var head = Keepsake.TestKit.ExternalTool.Run("git", ["rev-parse", "HEAD"], TimeSpan.FromSeconds(30), workingDirectory: Keepsake.TestKit.Fixtures.ProjectRoot)
            .EnsureSuccess("git rev-parse HEAD").StandardOutput.Trim();
        Assert.Equal($"keepsake {typeof(VersionText).Assembly.GetName().Version!.ToString(3)} (commit {head[..12]})", result.StandardOutput.Trim());
    }
}
