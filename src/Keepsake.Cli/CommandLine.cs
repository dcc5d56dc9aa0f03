namespace Keepsake.Cli;

internal static class CommandLine
{
    public static int Run(string[] args)
    {
        _ = args;
        return 0;
    }
}
