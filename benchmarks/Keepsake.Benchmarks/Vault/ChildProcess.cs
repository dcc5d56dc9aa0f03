using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Keepsake.Benchmarks.Vault;

/// <summary>
/// Runs a program as a child process and measures it the same way whichever tool it is: wall time
/// from spawn to reaping, and the kernel's own accounting from <c>wait4</c> (<c>ru_maxrss</c>, the
/// child's peak resident set, and user + system CPU time). Linux only. The child is spawned with
/// <c>posix_spawn</c> and reaped with <c>wait4</c> directly: <see cref="Process"/> is not used, so
/// the runtime never reaps it first. Output goes to a log file (shown when the child fails).
/// </summary>
internal static partial class ChildProcess
{
    private const int EINTR = 4;

    public static Measurement Run(string logFile, IReadOnlyDictionary<string, string> environment, string program, IEnumerable<string> arguments)
    {
        // sh only redirects and then becomes the program (exec), so its own cost is a millisecond.
        string[] argv = ["/bin/sh", "-c", "exec \"$@\" >\"$0\" 2>&1", logFile, program, .. arguments];
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            env[(string)e.Key] = (string?)e.Value ?? string.Empty;
        }

        foreach (var (k, v) in environment)
        {
            env[k] = v;
        }

        var argvPointers = ToNative(argv);
        var envPointers = ToNative(env.Select(kv => kv.Key + "=" + kv.Value));
        try
        {
            var watch = Stopwatch.StartNew();
            var rc = PosixSpawn(out var pid, "/bin/sh", IntPtr.Zero, IntPtr.Zero, argvPointers, envPointers);
            if (rc != 0)
            {
                throw new InvalidOperationException($"posix_spawn failed with error {rc}");
            }

            Rusage usage;
            int status;
            while (Wait4(pid, out status, 0, out usage) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR)
                {
                    throw new InvalidOperationException($"wait4 failed with errno {errno}");
                }
            }

            watch.Stop();
            var exited = (status & 0x7f) == 0;
            var code = (status >> 8) & 0xff;
            if (!exited || code != 0)
            {
                var log = File.Exists(logFile) ? File.ReadAllText(logFile) : string.Empty;
                throw new InvalidOperationException(
                    $"{program} {string.Join(' ', arguments)} failed ({(exited ? "exit code " + code : "signal " + (status & 0x7f))}): {log[Math.Max(0, log.Length - 2000)..]}");
            }

            var cpu = usage.UtimeSec + (usage.UtimeUsec / 1e6) + usage.StimeSec + (usage.StimeUsec / 1e6);
            return new Measurement(watch.Elapsed.TotalSeconds, cpu, usage.MaxRssKb);
        }
        finally
        {
            Free(argvPointers);
            Free(envPointers);
        }
    }

    /// <summary>Flushes dirty pages to disk, so that writeback from one step does not run during the next.</summary>
    public static void Sync() => SyncNative();

    private static IntPtr[] ToNative(IEnumerable<string> strings) =>
        [.. strings.Select(Marshal.StringToCoTaskMemUTF8), IntPtr.Zero];

    private static void Free(IntPtr[] pointers)
    {
        foreach (var p in pointers)
        {
            if (p != IntPtr.Zero)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "posix_spawn", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int PosixSpawn(out int pid, string path, IntPtr fileActions, IntPtr attributes, IntPtr[] argv, IntPtr[] envp);

    [LibraryImport("libc", EntryPoint = "wait4", SetLastError = true)]
    private static partial int Wait4(int pid, out int status, int options, out Rusage usage);

    [LibraryImport("libc", EntryPoint = "sync")]
    private static partial void SyncNative();

    /// <summary>struct rusage on 64-bit Linux: two timevals, then 14 longs (ru_maxrss in KiB first).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UtimeSec;
        public long UtimeUsec;
        public long StimeSec;
        public long StimeUsec;
        public long MaxRssKb;
        public long IxRss;
        public long IdRss;
        public long IsRss;
        public long MinFlt;
        public long MajFlt;
        public long NSwap;
        public long InBlock;
        public long OuBlock;
        public long MsgSnd;
        public long MsgRcv;
        public long NSignals;
        public long NVcsw;
        public long NIvcsw;
    }
}
