using System.Text.Json;
using Keepsake.Primitives;
using Keepsake.Repository.Backends.Local;
using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>
/// <c>keepsake key list|add|remove|passwd</c> and <c>unlock</c>, checked against restic reading the same vault:
/// restic sees the same key files and opens the vault with exactly the passwords Keepsake left. Run through the real process.
/// </summary>
public sealed class KeyCommandTests
{
    [ToolFact("restic")]
    public async Task KeyCommands_AddRemovePasswd_ResticOpensWithExactlyThePasswordsLeft()
    {
        using var dir = new TempDirectory();
        var vault = dir.Combine("vault");
        File.WriteAllText(dir.Combine("pw2"), "second-password\n");
        File.WriteAllText(dir.Combine("pw3"), "third-password\n");
        var env = new Dictionary<string, string> { ["KEEPSAKE_VAULT"] = vault, ["KEEPSAKE_PASSWORD"] = "first-password" };
        KeepsakeProcess.Run(["init"], env).EnsureSuccess("keepsake init");
        var first = Assert.Single(Keys(env)).GetProperty("id").GetString()!;

        KeepsakeProcess.Run(["key", "add", "--new-password-file", dir.Combine("pw2")], env).EnsureSuccess("keepsake key add");
        var keys = Keys(env);
        Assert.Equal(2, keys.Count);
        Assert.True(keys.Single(k => k.GetProperty("id").GetString() == first).GetProperty("current").GetBoolean());
        var second = keys.Single(k => k.GetProperty("id").GetString() != first).GetProperty("id").GetString()!;
        // restic, given the new password, finds the same two key files and marks the one it opened.
        var resticKeys = JsonDocument.Parse(Restic(vault, "second-password", "key", "list", "--json").EnsureSuccess("restic key list").StandardOutput).RootElement.EnumerateArray().ToList();
        // (restic 0.14 prints the IDs' first 8 characters.)
        Assert.Equal(new[] { first[..8], second[..8] }.Order(StringComparer.Ordinal), resticKeys.Select(k => k.GetProperty("id").GetString()![..8]).Order(StringComparer.Ordinal));
        Assert.Equal(second[..8], resticKeys.Single(k => k.GetProperty("current").GetBoolean()).GetProperty("id").GetString()![..8]);

        // The key one opened with cannot be removed; another can, by a prefix.
        var own = KeepsakeProcess.Run(["key", "remove", first[..8]], env);
        Assert.Equal(ExitCodes.Usage, own.ExitCode);
        Assert.Contains("cannot be removed", own.StandardError, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotFound, KeepsakeProcess.Run(["key", "remove", "ffffffff"], env).ExitCode);
        var withSecond = new Dictionary<string, string>(env) { ["KEEPSAKE_PASSWORD"] = "second-password" };
        KeepsakeProcess.Run(["key", "remove", first[..8]], withSecond).EnsureSuccess("keepsake key remove");
        Assert.NotEqual(0, Restic(vault, "first-password", "key", "list").ExitCode);
        Assert.Equal(ExitCodes.WrongPassword, KeepsakeProcess.Run(["key", "list"], env).ExitCode);

        // passwd: the new password opens it, the old one no longer does, for restic as for keepsake.
        KeepsakeProcess.Run(["key", "passwd", "--new-password-file", dir.Combine("pw3")], withSecond).EnsureSuccess("keepsake key passwd");
        Assert.Single(JsonDocument.Parse(Restic(vault, "third-password", "key", "list", "--json").EnsureSuccess("restic key list (third)").StandardOutput).RootElement.EnumerateArray());
        Assert.NotEqual(0, Restic(vault, "second-password", "key", "list").ExitCode);
        Assert.Equal(ExitCodes.WrongPassword, KeepsakeProcess.Run(["key", "list"], withSecond).ExitCode);
        var withThird = new Dictionary<string, string>(env) { ["KEEPSAKE_PASSWORD"] = "third-password" };
        Restic(vault, "third-password", "check").EnsureSuccess("restic check");

        // unlock: a lock held by a live process stays; --remove-all removes it (restic lists what is left).
        using var password = Secret.FromString("third-password");
        using var repository = await Keepsake.Repository.Repository.OpenAsync(new LocalBackend(vault), password);
        await using var held = await repository.LockAsync(exclusive: false);
        Assert.Single(Lines(Restic(vault, "third-password", "list", "locks").EnsureSuccess("restic list locks").StandardOutput));
        Assert.Contains("removed 0 locks", KeepsakeProcess.Run(["unlock"], withThird).EnsureSuccess("keepsake unlock").StandardOutput, StringComparison.Ordinal);
        Assert.Single(Lines(Restic(vault, "third-password", "list", "locks").StandardOutput));
        Assert.Contains("removed 1 lock", KeepsakeProcess.Run(["unlock", "--remove-all"], withThird).EnsureSuccess("keepsake unlock --remove-all").StandardOutput, StringComparison.Ordinal);
        Assert.Empty(Lines(Restic(vault, "third-password", "list", "locks").StandardOutput));
    }

    private static List<JsonElement> Keys(Dictionary<string, string> env) =>
        [.. JsonDocument.Parse(KeepsakeProcess.Run(["key", "list", "--json"], env).EnsureSuccess("keepsake key list --json").StandardOutput).RootElement.EnumerateArray()];

    private static ToolResult Restic(string vault, string password, params string[] args) =>
        ExternalTool.Run("restic", ["--no-cache", "--no-lock", "-r", vault, .. args], TimeSpan.FromMinutes(2), new Dictionary<string, string> { ["RESTIC_PASSWORD"] = password });

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
