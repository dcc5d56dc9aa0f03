using System.Text.RegularExpressions;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>The README's first command is run exactly as written, in a fresh home folder.</summary>
public sealed partial class ReadmeTests
{
    [Fact]
    public void MainCommand_OnAFreshHome_BacksUpTheSimulatedPhoneAndShowsTheSnapshot()
    {
        var command = ReadmeCommands()[0];
        Assert.Contains("backup --simulator", command, StringComparison.Ordinal);
        using var home = new TempDirectory("keepsake-readme");

        var result = ExternalTool.Run(
            "bash",
            ["-c", command],
            TimeSpan.FromMinutes(8),
            new Dictionary<string, string>
            {
                ["HOME"] = home.Path,
                ["XDG_DATA_HOME"] = string.Empty,
                ["KEEPSAKE_VAULT"] = string.Empty,
                ["KEEPSAKE_PASSWORD"] = string.Empty,
                ["DOTNET_CLI_HOME"] = Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") ?? Environment.GetEnvironmentVariable("HOME") ?? home.Path,
                ["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/root", ".nuget", "packages"),
            },
            workingDirectory: Fixtures.ProjectRoot).EnsureSuccess("the README's main command");

        Assert.Matches(SnapshotLine(), result.StandardOutput);
        Assert.True(File.Exists(Path.Combine(home.Path, ".local", "share", "keepsake", "vault", "config")), result.StandardOutput);
    }

    [Fact]
    public void Readme_OpensWithTheTwoCommands_AndCiRunsTheSecond()
    {
        var commands = ReadmeCommands();
        Assert.Equal("./test.sh", commands[1]);
        var ci = File.ReadAllText(Path.Combine(Fixtures.ProjectRoot, ".ci", "run"));
        Assert.Contains("exec ./test.sh", ci, StringComparison.Ordinal);
    }

    /// <summary>The indented command lines of the README's first code block.</summary>
    private static List<string> ReadmeCommands() =>
        File.ReadLines(Path.Combine(Fixtures.ProjectRoot, "README.md"))
            .SkipWhile(l => !l.StartsWith("    ", StringComparison.Ordinal))
            .TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal))
            .Select(l => l.Trim())
            .ToList();

    [GeneratedRegex(@"snapshot [0-9a-f]{8} saved for .+\(")]
    private static partial Regex SnapshotLine();
}
