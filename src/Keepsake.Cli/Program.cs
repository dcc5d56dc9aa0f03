namespace Keepsake.Cli;

internal static class Program
{
    public static int Main(string[] args) => CommandLine.Run(args);
}
