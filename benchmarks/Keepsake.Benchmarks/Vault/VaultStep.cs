using Keepsake.Primitives;
using Keepsake.Repository;
using Keepsake.Repository.Backends;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.S3;
using VaultRepository = Keepsake.Repository.Repository;

namespace Keepsake.Benchmarks.Vault;

/// <summary>
/// <c>vault-step init|backup|restore|check|copy REPO [FOLDER|TARGET]</c>: one Keepsake vault operation
/// in its own process, as the CLI would run it (open with the password, default options), so that the
/// vault benchmark measures Keepsake exactly as it measures restic: start-up included, peak RSS per
/// step. The password comes from <c>KEEPSAKE_BENCH_PASSWORD</c>. REPO (and copy's TARGET) is a folder
/// or an <c>s3:</c> address (credentials from the AWS variables, behind retries as in the CLI); an S3
/// step ends by printing its requests and bytes (<c>s3 usage: R requests, U up, D down</c>).
/// </summary>
internal static class VaultStep
{
    public const string PasswordVariable = "KEEPSAKE_BENCH_PASSWORD";

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await StepAsync(args);
        }
        finally
        {
            // Diagnostics for the step's log: how much the runtime itself cost.
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"gc: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} collections (gen 0/1/2), pauses {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms, allocated {GC.GetTotalAllocatedBytes() / 1048576} MiB; jit: {System.Runtime.JitInfo.GetCompiledMethodCount()} methods, {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F0} ms"));
        }
    }

    private static async Task<int> StepAsync(string[] args)
    {
        if (args.Length < 2)
        {
            await Console.Error.WriteLineAsync("usage: vault-step init|backup|restore|check REPO [FOLDER]");
            return 2;
        }

        using var password = Secret.FromString(Environment.GetEnvironmentVariable(PasswordVariable)
            ?? throw new InvalidOperationException($"{PasswordVariable} is not set."));
        var usage = new S3Usage();
        try
        {
            return await StepAsync(args, password, usage);
        }
        finally
        {
            if (usage.Requests > 0)
            {
                Console.WriteLine($"s3 usage: {usage.Requests} requests, {usage.BytesUploaded} up, {usage.BytesDownloaded} down");
            }
        }
    }

    private static IBackend Backend(string location, S3Usage usage) => S3Address.IsS3(location)
        ? new PackReadAheadBackend(new RetryBackend(new S3Backend(S3Address.Parse(location), new S3BackendOptions { Usage = usage })))
        : new LocalBackend(location);

    private static async Task<int> StepAsync(string[] args, Secret password, S3Usage usage)
    {
        var backend = Backend(args[1], usage);
        if (args[0] == "init")
        {
            if (S3Address.IsS3(args[1]))
            {
                using var s3 = new S3Backend(S3Address.Parse(args[1]), new S3BackendOptions { Usage = usage });
                await s3.EnsureBucketAsync();
            }

            using var created = await VaultRepository.InitAsync(backend, password);
            return 0;
        }

        using var repo = await VaultRepository.OpenAsync(backend, password);
        switch (args[0])
        {
            case "copy":
                using (var target = await VaultRepository.OpenAsync(Backend(args[2], usage), password))
                {
                    var copied = await repo.CopyToAsync(target, await repo.ListSnapshotsAsync());
                    Console.WriteLine($"copied {copied.Copied.Count} snapshots, {copied.BytesAdded} bytes added");
                }

                return 0;
            case "backup":
                var result = await repo.BackupAsync(args[2], new BackupOptions { Host = "bench" });
                Console.WriteLine($"snapshot {result.Snapshot.ShortId}: {result.FilesNew} new, {result.FilesChanged} changed, {result.FilesUnmodified} unmodified, {result.BytesAdded} bytes added");
                return result.Errors.Count == 0 ? 0 : 3;
            case "restore":
                var latest = await repo.FindSnapshotAsync("latest");
                var restored = await repo.RestoreAsync(latest, args[2]);
                Console.WriteLine($"restored {restored.Files} files");
                return restored.Errors.Count == 0 ? 0 : 3;
            case "check":
                var check = await repo.CheckAsync(readData: true);
                Console.WriteLine($"{check.Errors.Count} errors, {check.Warnings.Count} warnings");
                foreach (var error in check.Errors)
                {
                    Console.WriteLine(error);
                }

                return check.IsOk ? 0 : 3;
            default:
                await Console.Error.WriteLineAsync($"unknown step {args[0]}");
                return 2;
        }
    }
}
