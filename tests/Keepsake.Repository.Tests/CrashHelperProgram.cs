using Keepsake.Primitives;
using Keepsake.Repository.Backends.Local;

namespace Keepsake.Repository.Tests;

/// <summary>
/// Entry point used only by <see cref="CrashSafetyTests"/>: <c>crash OP MAX_DELAY_MS SEED ARGS...</c>
/// runs one repository operation in this separate process so that the test can SIGKILL it. The
/// changed repository goes through an <see cref="AnnouncingBackend"/>, which prints a line before each
/// change. OP is <c>backup REPO SOURCE</c>, <c>prune REPO</c>, <c>forget REPO KEEP_LAST</c> or
/// <c>copy FROM TO</c>. The password comes from <see cref="PasswordVariable"/>.
/// </summary>
public static class CrashHelperProgram
{
    public const string PasswordVariable = "KEEPSAKE_CRASH_TEST_PASSWORD";

    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 5 || args[0] != "crash")
        {
            await Console.Error.WriteLineAsync("usage: crash backup|prune|forget|copy MAX_DELAY_MS SEED ARGS...");
            return 2;
        }

        var (op, delay, seed, rest) = (args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), args[4..]);
        using var password = Secret.FromString(Environment.GetEnvironmentVariable(PasswordVariable) ?? throw new InvalidOperationException(PasswordVariable + " is not set"));
        Task<Repository> OpenAsync(string path, bool announce) => Repository.OpenAsync(
            announce ? new AnnouncingBackend(new LocalBackend(path), Console.Out, delay, seed) : new LocalBackend(path), password, CrashSafetyTests.Options);

        switch (op)
        {
            case "backup":
                using (var repo = await OpenAsync(rest[0], announce: true))
                {
                    Console.WriteLine("opened");
                    await repo.BackupAsync(rest[1], CrashSafetyTests.BackupOptions(int.Parse(rest[2], System.Globalization.CultureInfo.InvariantCulture)));
                }

                break;
            case "prune":
                using (var repo = await OpenAsync(rest[0], announce: true))
                {
                    Console.WriteLine("opened");
                    await repo.PruneAsync();
                }

                break;
            case "forget":
                using (var repo = await OpenAsync(rest[0], announce: true))
                {
                    Console.WriteLine("opened");
                    await repo.ForgetAsync(new RetentionPolicy { Last = int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture) });
                }

                break;
            case "copy":
                using (var from = await OpenAsync(rest[0], announce: false))
                using (var to = await OpenAsync(rest[1], announce: true))
                {
                    Console.WriteLine("opened");
                    await from.CopyToAsync(to, await from.ListSnapshotsAsync());
                }

                break;
            default:
                await Console.Error.WriteLineAsync($"unknown operation {op}");
                return 2;
        }

        Console.WriteLine("done");
        return 0;
    }
}
