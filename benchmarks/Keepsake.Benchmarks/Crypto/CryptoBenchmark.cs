using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Keepsake.BackupFormat.Crypto;

namespace Keepsake.Benchmarks.Crypto;

/// <summary>
/// <c>crypto</c>: (a) backup-file decryption throughput through <see cref="CbcDecryptingStream"/> (two cores and one)
/// next to <c>openssl speed -evp aes-256-cbc -decrypt</c> (16384-byte column; one process and <c>-multi 2</c>), and (b) a
/// 10,000,000-round PBKDF2-HMAC-SHA256 through Keepsake's KDF next to python3 hashlib (OpenSSL).
/// Options: <c>--gib N</c> (data size, default 1), <c>--rounds N</c> (default 10000000),
/// <c>--seconds N</c> (openssl speed time, default 3), <c>--repeats N</c> (best of N, default 3).
/// </summary>
internal static class CryptoBenchmark
{
    private const int Chunk = 1 << 20;

    public static int Run(string[] args)
    {
        var gib = Option(args, "--gib", 1);
        var rounds = Option(args, "--rounds", 10_000_000);
        var seconds = Option(args, "--seconds", 3);
        Console.WriteLine($"crypto benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        // The machine may be shared: interleave the runs and keep each side's best.
        var repeats = Option(args, "--repeats", 3);
        var total = (long)gib << 30;
        double ours = 0, oursOneCore = 0, ours64 = 0, raw = 0;
        double? openssl = null, opensslTwo = null;
        for (var i = 0; i < repeats; i++)
        {
            ours = Math.Max(ours, DecryptThroughput(total, Chunk, useTwoCores: true));
            oursOneCore = Math.Max(oursOneCore, DecryptThroughput(total, Chunk, useTwoCores: false));
            ours64 = Math.Max(ours64, DecryptThroughput(total, 64 * 1024, useTwoCores: true));
            raw = Math.Max(raw, RawDecryptThroughput(total));
            if (OpenSslDecryptThroughput(seconds, processes: 1) is { } once)
            {
                openssl = Math.Max(openssl ?? 0, once);
            }

            if (Environment.ProcessorCount > 1 && OpenSslDecryptThroughput(seconds, processes: 2) is { } twice)
            {
                opensslTwo = Math.Max(opensslTwo ?? 0, twice);
            }
        }

        Console.WriteLine($"AES-256-CBC decrypt  keepsake CbcDecryptingStream, 1 MiB reads, two cores: {ours:F1} MB/s ({gib} GiB, best of {repeats})");
        Console.WriteLine($"AES-256-CBC decrypt  keepsake CbcDecryptingStream, 1 MiB reads, one core:  {oursOneCore:F1} MB/s");
        Console.WriteLine($"AES-256-CBC decrypt  keepsake CbcDecryptingStream, 64 KiB reads (one core: below the two-core size): {ours64:F1} MB/s");
        Console.WriteLine($"AES-256-CBC decrypt  .NET Aes.DecryptCbc in place on a 1 MiB buffer (no I/O, as openssl speed): {raw:F1} MB/s");
        if (openssl is { } o)
        {
            Console.WriteLine($"AES-256-CBC decrypt  openssl speed (16384-byte blocks, one process): {o:F1} MB/s");
            Console.WriteLine($"  ratio keepsake/openssl: {ours / o:F3} (two cores), {oursOneCore / o:F3} (one core), {ours64 / o:F3} (64 KiB reads), {raw / o:F3} (cipher alone, no I/O)");
        }

        if (opensslTwo is { } o2)
        {
            Console.WriteLine($"AES-256-CBC decrypt  openssl speed -multi 2 (two processes): {o2:F1} MB/s");
            Console.WriteLine($"  ratio keepsake two cores / openssl -multi 2: {ours / o2:F3}");
        }

        var ourKdf = double.MaxValue;
        double? pythonKdf = null;
        for (var i = 0; i < Math.Max(1, repeats - 1); i++)
        {
            ourKdf = Math.Min(ourKdf, KdfSeconds(rounds));
            if (PythonKdfSeconds(rounds) is { } once)
            {
                pythonKdf = Math.Min(pythonKdf ?? double.MaxValue, once);
            }
        }

        Console.WriteLine($"PBKDF2-HMAC-SHA256 {rounds:N0} rounds  keepsake: {ourKdf:F3} s");
        if (pythonKdf is { } p)
        {
            Console.WriteLine($"PBKDF2-HMAC-SHA256 {rounds:N0} rounds  python3 hashlib (OpenSSL): {p:F3} s");
            Console.WriteLine($"  ratio keepsake/python: {ourKdf / p:F3}");
        }

        return 0;
    }

    private static double RawDecryptThroughput(long total)
    {
        using var aes = Aes.Create();
        aes.Key = RandomNumberGenerator.GetBytes(32);
        var buffer = RandomNumberGenerator.GetBytes(Chunk);
        var iv = new byte[16];
        var sw = Stopwatch.StartNew();
        for (long done = 0; done < total; done += buffer.Length)
        {
            aes.DecryptCbc(buffer, iv, buffer, PaddingMode.None);
        }

        return total / 1e6 / sw.Elapsed.TotalSeconds;
    }

    private static double DecryptThroughput(long total, int readSize, bool useTwoCores)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        using var source = new RepeatingCiphertextStream(key, total);
        using var stream = new CbcDecryptingStream(source, key, bufferSize: Chunk, useTwoCores: useTwoCores);
        var buffer = new byte[readSize];
        // Warm up on a separate small stream so the JIT, the thread pool and OpenSSL context setup are not timed.
        using (var warm = new CbcDecryptingStream(new RepeatingCiphertextStream(key, 64L << 20), key, bufferSize: Chunk, useTwoCores: useTwoCores))
        {
            while (warm.Read(buffer) > 0)
            {
            }
        }

        var sw = Stopwatch.StartNew();
        long plain = 0;
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            plain += n;
        }

        sw.Stop();
        if (plain != total - 16)
        {
            throw new InvalidOperationException($"decrypted {plain} bytes, expected {total - 16}");
        }

        return total / 1e6 / sw.Elapsed.TotalSeconds;
    }

    private static double? OpenSslDecryptThroughput(int seconds, int processes)
    {
        string[] arguments = ["speed", "-elapsed", "-seconds", seconds.ToString(CultureInfo.InvariantCulture), "-bytes", "16384", "-evp", "aes-256-cbc", "-decrypt"];
        if (processes > 1)
        {
            arguments = [.. arguments, "-multi", processes.ToString(CultureInfo.InvariantCulture)];
        }

        var output = RunTool("openssl", arguments);
        // With -multi, the summed result is the line starting "evp" (or the cipher name) after "Got: ... from N"; the last matching line.
        var line = output?.Split('\n').LastOrDefault(l => l.StartsWith("AES-256-CBC", StringComparison.OrdinalIgnoreCase) || l.StartsWith("aes-256-cbc", StringComparison.Ordinal) || l.StartsWith("evp", StringComparison.Ordinal));
        if (line is null)
        {
            Console.WriteLine("openssl speed: no result (is openssl installed?)");
            return null;
        }

        // With -bytes 16384 the only column is the 16384-byte one, in 1000s of bytes per second ("123456.78k").
        var last = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1].TrimEnd('k');
        return double.Parse(last, CultureInfo.InvariantCulture) * 1000 / 1e6;
    }

    private static double KdfSeconds(int rounds)
    {
        var password = "correct horse battery staple"u8.ToArray();
        var salt = new byte[20];
        BackupKeyDerivation.Pbkdf2Sha256(password, salt, 1000);
        var sw = Stopwatch.StartNew();
        var key = BackupKeyDerivation.Pbkdf2Sha256(password, salt, rounds);
        sw.Stop();
        CryptographicOperations.ZeroMemory(key);
        return sw.Elapsed.TotalSeconds;
    }

    private static double? PythonKdfSeconds(int rounds)
    {
        var script = "import hashlib,time\n" +
            "hashlib.pbkdf2_hmac('sha256', b'x', b'\\0'*20, 1000, 32)\n" +
            "t=time.perf_counter()\n" +
            $"hashlib.pbkdf2_hmac('sha256', b'correct horse battery staple', b'\\0'*20, {rounds}, 32)\n" +
            "print(time.perf_counter()-t)\n";
        var output = RunTool("python3", ["-c", script]);
        return output is not null && double.TryParse(output.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : null;
    }

    private static string? RunTool(string tool, string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return stdout.Result;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>
    /// Valid AES-CBC ciphertext of <c>total</c> bytes generated on the fly: a random 1 MiB chunk
    /// repeated, then a last block chosen so that it decrypts to a full block of PKCS#7 padding.
    /// </summary>
    private sealed class RepeatingCiphertextStream : Stream
    {
        private readonly byte[] _chunk = RandomNumberGenerator.GetBytes(Chunk);
        private readonly byte[] _last = new byte[16];
        private readonly long _total;
        private long _position;

        public RepeatingCiphertextStream(byte[] key, long total)
        {
            _total = total;
            using var aes = Aes.Create();
            aes.Key = key;
            // The block before the last is the chunk's final 16 bytes (total is a multiple of 1 MiB).
            var block = new byte[16];
            for (var i = 0; i < 16; i++)
            {
                block[i] = (byte)(16 ^ _chunk[Chunk - 32 + i]);
            }

            aes.EncryptEcb(block, _last, PaddingMode.None);
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _total;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            while (written < buffer.Length && _position < _total)
            {
                if (_position >= _total - 16)
                {
                    var offsetInLast = (int)(_position - (_total - 16));
                    var n = Math.Min(buffer.Length - written, 16 - offsetInLast);
                    _last.AsSpan(offsetInLast, n).CopyTo(buffer[written..]);
                    written += n;
                    _position += n;
                    continue;
                }

                var offset = (int)(_position % Chunk);
                var take = (int)Math.Min(Math.Min(buffer.Length - written, Chunk - offset), _total - 16 - _position);
                _chunk.AsSpan(offset, take).CopyTo(buffer[written..]);
                written += take;
                _position += take;
            }

            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
