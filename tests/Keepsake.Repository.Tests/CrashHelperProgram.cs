using Keepsake.Primitives;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Crypto;

namespace Keepsake.Repository.Tests;

/// <summary>
/// Entry point used only by <see cref="CrashSafetyTests"/>: <c>crash-backup REPO SOURCE PASSWORD</c>
/// runs one backup in this separate process so the test can SIGKILL it mid-way.
/// </summary>
public static class CrashHelperProgram
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != 4 || args[0] != "crash-backup")
        {
            await Console.Error.WriteLineAsync("usage: crash-backup REPO SOURCE PASSWORD");
            return 2;
        }

        using var password = Secret.FromString(args[3]);
        var options = new RepositoryOptions { KdfParameters = KdfParameters.Fast, PackSize = 512 * 1024, Hostname = "crash-host" };
        using var repo = await Repository.OpenAsync(new LocalBackend(args[1]), password, options);
        Console.WriteLine("opened");
        var result = await repo.BackupAsync(args[2], new BackupOptions { Host = "crash-host" });
        Console.WriteLine($"snapshot {result.Snapshot.Id}");
        return 0;
    }
}
