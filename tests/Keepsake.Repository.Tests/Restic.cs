using Keepsake.TestKit;

namespace Keepsake.Repository.Tests;

/// <summary>Runs the real restic against a repository folder with a password.</summary>
internal static class Restic
{
    public const string Password = "correct horse battery staple";

    public static ToolResult Run(string repo, params string[] args) =>
        ExternalTool.Run(
            "restic",
            ["--no-cache", "-r", repo, .. args],
            TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["RESTIC_PASSWORD"] = Password, ["RESTIC_PROGRESS_FPS"] = "0.1" });

    public static ToolResult Check(string repo) => Run(repo, "--no-lock", "check", "--read-data").EnsureSuccess("restic check --read-data");
}
