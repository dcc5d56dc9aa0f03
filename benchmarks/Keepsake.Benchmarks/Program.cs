// Benchmarks compare Keepsake with the peer tool on the same machine in the same run and
// report ratios. Each benchmark is a subcommand; see benchmarks/README.md.
namespace Keepsake.Benchmarks;

internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "vault") return OperatingSystem.IsLinux() ? Vault.VaultBenchmark.Run(args[1..]) : 2;
        if (args.Length > 0 && args[0] == "s3") return OperatingSystem.IsLinux() ? Vault.S3Benchmark.Run(args[1..]) : 2;
        if (args.Length > 0 && args[0] == "vault-step") return Vault.VaultStep.RunAsync(args[1..]).GetAwaiter().GetResult();
        if (args.Length > 0 && args[0] == "device") return Device.DeviceBackupBenchmark.RunAsync(args[1..]).GetAwaiter().GetResult();
        if (args.Length > 0 && args[0] == "startup") return OperatingSystem.IsLinux() ? Startup.StartupBenchmark.Run(args[1..]) : 2;
        if (args.Length > 0 && args[0] == "crypto") return Crypto.CryptoBenchmark.Run(args[1..]);
        if (args.Length > 0 && args[0] == "export") return Export.ExportBenchmark.Run(args[1..]);
        if (args.Length > 0 && args[0] == "export-child") return Export.ExportBenchmark.RunChild(args[1..]);
        if (args.Length > 0 && args[0] == "index") return Export.IndexBenchmark.Run(args[1..]);
        Console.Error.WriteLine("usage: Keepsake.Benchmarks <benchmark> [options]");
        return args.Length == 0 ? 2 : 0;
    }
}
