using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Keepsake.Cli;

/// <summary>
/// What <c>keepsake --version</c> prints: <c>keepsake 0.1.0 (commit 2faec29f221f)</c>. The version is the
/// project's <c>Version</c>; the commit is the one the SDK (or <c>./build.sh dist</c>) wrote after the
/// <c>+</c> of the informational version, shortened to 12 digits; a build outside git prints no commit.
/// </summary>
internal static class VersionText
{
    public static string Current { get; } = Format(
        typeof(VersionText).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0");

    /// <summary>The line for an informational version such as <c>0.1.0+2faec29f…</c>.</summary>
    public static string Format(string informationalVersion)
    {
        ArgumentNullException.ThrowIfNull(informationalVersion);
        var plus = informationalVersion.IndexOf('+', StringComparison.Ordinal);
        if (plus < 0)
        {
            return $"keepsake {informationalVersion}";
        }

        var version = informationalVersion[..plus];
        var commit = informationalVersion[(plus + 1)..];
        return commit.Length == 0 ? $"keepsake {version}" : $"keepsake {version} (commit {commit[..Math.Min(12, commit.Length)]})";
    }

    /// <summary>Makes the root command's <c>--version</c> print <see cref="Current"/>.</summary>
    public static void Install(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new PrintAction();
        }
    }

    private sealed class PrintAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Current);
            return ExitCodes.Success;
        }
    }
}
