using System.Diagnostics;
using System.Text;

namespace Keepsake.TestKit;

/// <summary>
/// Runs a real peer program (restic, plistutil, idevicebackup2, sqlite3, openssl...) with a timeout,
/// capturing its output. The test command installs these; a missing tool fails under CI and skips
/// (through <see cref="ToolFactAttribute"/>) on a developer machine that lacks it.
/// </summary>
public static class ExternalTool
{
    /// <summary>The full path of <paramref name="name"/> on PATH, or null.</summary>
    public static string? Find(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator))
        {
            var candidate = System.IO.Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Runs the tool to completion (or kills it at the timeout) and returns what it did.</summary>
    public static ToolResult Run(string tool, IEnumerable<string> arguments, TimeSpan? timeout = null, IDictionary<string, string>? environment = null, string? workingDirectory = null, string? standardInput = null)
    {
        var psi = new ProcessStartInfo(Find(tool) ?? tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                psi.Environment[key] = value;
            }
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
        }

        process.StandardInput.Close();
        var limit = timeout ?? TimeSpan.FromMinutes(5);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{tool} {string.Join(' ', psi.ArgumentList)} did not finish within {limit}. stderr: {stderr}");
        }

        process.WaitForExit();
        return new ToolResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>What an external tool printed and returned.</summary>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Throws with the tool's output unless it exited 0.</summary>
    public ToolResult EnsureSuccess(string what)
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} exited {ExitCode}.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
        }

        return this;
    }
}

/// <summary>
/// A fact that needs external programs. Under CI (CI=true) a missing program fails the test,
/// since the test command installs it; elsewhere the test is skipped with the program's name.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var missing = tools.Where(t => ExternalTool.Find(t) is null).ToList();
        if (missing.Count > 0 && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"Needs {string.Join(", ", missing)} on PATH (./test.sh installs them).";
        }
    }
}
