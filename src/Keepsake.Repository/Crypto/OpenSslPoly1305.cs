using System.Runtime.InteropServices;
using Keepsake.Repository.Internal;

namespace Keepsake.Repository.Crypto;

/// <summary>
/// Poly1305 from the system's OpenSSL 3 (<c>EVP_MAC</c> "POLY1305"), the library .NET itself uses
/// for cryptography on Linux. Its vectorised code is several times faster than the managed one in
/// BouncyCastle, which <see cref="MasterKey"/> uses where OpenSSL 3 is absent (Windows, macOS, or
/// <c>KEEPSAKE_POLY1305=managed</c>). Each thread keeps its own MAC context.
/// </summary>
internal static unsafe class OpenSslPoly1305
{
    private static readonly string[] Candidates = ["libcrypto.so.3", "libcrypto.so"];
    private static readonly Functions? Loaded = Load();

    [ThreadStatic]
    private static NativeContext? t_context;

    public static bool IsAvailable => Loaded is not null;

    /// <summary>
    /// The 16-byte Poly1305 tag of <paramref name="message"/> under the one-time 32-byte
    /// <paramref name="key"/> (r ‖ s; r is clamped by OpenSSL). False when OpenSSL reports an error.
    /// </summary>
    public static bool TryCompute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> tag)
    {
        var f = Loaded!;
        t_context ??= new NativeContext(f.CtxNew(f.Mac), p => f.CtxFree(p), "OpenSSL");
        return Compute(f, t_context.Pointer, key, message, tag);
    }

    /// <summary>One MAC with an initialised context: init with the key, update, final; false on any OpenSSL error.</summary>
    private static bool Compute(Functions f, IntPtr ctx, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> tag)
    {
        nuint written = 0;
        fixed (byte* k = key)
        fixed (byte* m = message)
        fixed (byte* t = tag)
        {
            return f.Init(ctx, k, (nuint)key.Length, null) == 1
                && f.Update(ctx, m, (nuint)message.Length) == 1
                && f.Final(ctx, t, &written, (nuint)tag.Length) == 1
                && written == 16;
        }
    }

    private static Functions? Load()
    {
        if (string.Equals(Environment.GetEnvironmentVariable("KEEPSAKE_POLY1305"), "managed", StringComparison.OrdinalIgnoreCase)
            || !OperatingSystem.IsLinux())
        {
            return null;
        }

        foreach (var name in Candidates)
        {
            if (!NativeLibrary.TryLoad(name, out var handle))
            {
                continue;
            }

            try
            {
                var fetch = (delegate* unmanaged<IntPtr, byte*, byte*, IntPtr>)NativeLibrary.GetExport(handle, "EVP_MAC_fetch");
                var algorithm = "POLY1305\0"u8;
                IntPtr mac;
                fixed (byte* a = algorithm)
                {
                    mac = fetch(IntPtr.Zero, a, null);
                }

                if (mac == IntPtr.Zero)
                {
                    continue;
                }

                var functions = new Functions
                {
                    Mac = mac,
                    CtxNew = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(handle, "EVP_MAC_CTX_new"),
                    CtxFree = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(handle, "EVP_MAC_CTX_free"),
                    Init = (delegate* unmanaged<IntPtr, byte*, nuint, void*, int>)NativeLibrary.GetExport(handle, "EVP_MAC_init"),
                    Update = (delegate* unmanaged<IntPtr, byte*, nuint, int>)NativeLibrary.GetExport(handle, "EVP_MAC_update"),
                    Final = (delegate* unmanaged<IntPtr, byte*, nuint*, nuint, int>)NativeLibrary.GetExport(handle, "EVP_MAC_final"),
                };

                // Known answer (RFC 8439, 2.5.2) before trusting the library.
                Span<byte> tag = stackalloc byte[16];
                if (!TryComputeWith(functions, Rfc8439Key, "Cryptographic Forum Research Group"u8, tag) || !tag.SequenceEqual(Rfc8439Tag))
                {
                    continue;
                }

                return functions;
            }
            catch (EntryPointNotFoundException)
            {
                continue;
            }
        }

        return null;
    }

    private static ReadOnlySpan<byte> Rfc8439Key =>
    [
        0x85, 0xd6, 0xbe, 0x78, 0x57, 0x55, 0x6d, 0x33, 0x7f, 0x44, 0x52, 0xfe, 0x42, 0xd5, 0x06, 0xa8,
        0x01, 0x03, 0x80, 0x8a, 0xfb, 0x0d, 0xb2, 0xfd, 0x4a, 0xbf, 0xf6, 0xaf, 0x41, 0x49, 0xf5, 0x1b,
    ];

    private static ReadOnlySpan<byte> Rfc8439Tag =>
    [
        0xa8, 0x06, 0x1d, 0xc1, 0x30, 0x51, 0x36, 0xc6, 0xc2, 0x2b, 0x8b, 0xaf, 0x0c, 0x01, 0x27, 0xa9,
    ];

    private static bool TryComputeWith(Functions f, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> tag)
    {
        var ctx = f.CtxNew(f.Mac);
        if (ctx == IntPtr.Zero)
        {
            return false;
        }

        try
        {
            return Compute(f, ctx, key, message, tag);
        }
        finally
        {
            f.CtxFree(ctx);
        }
    }

    private sealed class Functions
    {
        public required IntPtr Mac { get; init; }

        public required delegate* unmanaged<IntPtr, IntPtr> CtxNew { get; init; }

        public required delegate* unmanaged<IntPtr, void> CtxFree { get; init; }

        public required delegate* unmanaged<IntPtr, byte*, nuint, void*, int> Init { get; init; }

        public required delegate* unmanaged<IntPtr, byte*, nuint, int> Update { get; init; }

        public required delegate* unmanaged<IntPtr, byte*, nuint*, nuint, int> Final { get; init; }
    }
}
