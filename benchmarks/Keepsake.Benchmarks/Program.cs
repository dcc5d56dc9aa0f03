// Benchmarks compare Keepsake with the peer tool on the same machine in the same run and
// report ratios. Each benchmark is a subcommand; see benchmarks/README.md.
namespace Keepsake.Benchmarks;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: Keepsake.Benchmarks <benchmark> [options]");
        return args.Length == 0 ? 2 : 0;
    }
}
