using Keepsake.TestKit;

namespace Keepsake.Cli.Tests;

/// <summary>Runs the built <c>keepsake</c> program as a separate process, as a user would.</summary>
internal static class KeepsakeProcess
{
    public static ToolResult Run(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, TimeSpan? timeout = null, string? standardInput = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "keepsake.dll");
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOTNET_NOLOGO"] = "1",
            ["KEEPSAKE_BACKUP_PASSWORD"] = string.Empty,
            ["KEEPSAKE_PASSWORD"] = string.Empty,
        };
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                env[key] = value;
            }
        }

        return ExternalTool.Run("dotnet", [dll, .. arguments], timeout ?? TimeSpan.FromMinutes(3), env, standardInput: standardInput ?? string.Empty);
    }
}
