using System.Runtime.InteropServices;

namespace Keepsake.Repository.Internal;

/// <summary>
/// The system's zstd library (libzstd 1.4 or later: on Debian the always-installed <c>libzstd1</c>),
/// called through function pointers so that no method is bound unless the library loads. It
/// compresses about half again as fast as the managed port and needs no JIT warm-up; <see cref="Zstd"/>
/// falls back to the managed port where it is absent. Each thread keeps its own contexts.
/// </summary>
internal static unsafe class NativeZstd
{
    private static readonly string[] Candidates = ["libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib", "libzstd.dll", "zstd.dll"];
    private static readonly Functions? Loaded = Load();

    [ThreadStatic]
    private static NativeContext? t_compressor;

    [ThreadStatic]
    private static NativeContext? t_decompressor;

    /// <summary>Whether the system library was found (and <c>KEEPSAKE_ZSTD=managed</c> does not turn it off).</summary>
    public static bool IsAvailable => Loaded is not null;

    public static int CompressBound(int length) => checked((int)Loaded!.CompressBound((nuint)length));

    /// <summary>Compresses into <paramref name="destination"/> (at least <see cref="CompressBound"/> long); returns the length.</summary>
    public static int Compress(ReadOnlySpan<byte> data, Span<byte> destination, int level)
    {
        var f = Loaded!;
        t_compressor ??= new NativeContext(f.CreateCCtx(), p => f.FreeCCtx(p), "zstd");
        nuint n;
        fixed (byte* src = data)
        fixed (byte* dst = destination)
        {
            n = f.CompressCCtx(t_compressor.Pointer, dst, (nuint)destination.Length, src, (nuint)data.Length, level);
        }

        return f.IsError(n) != 0
            ? throw new InvalidOperationException($"zstd compression failed (code {(long)n}).")
            : (int)n;
    }

    /// <summary>Decompresses into <paramref name="destination"/>; false unless the data is valid and exactly fills it.</summary>
    public static bool TryDecompress(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var f = Loaded!;
        t_decompressor ??= new NativeContext(f.CreateDCtx(), p => f.FreeDCtx(p), "zstd");
        nuint n;
        fixed (byte* src = data)
        fixed (byte* dst = destination)
        {
            n = f.DecompressDCtx(t_decompressor.Pointer, dst, (nuint)destination.Length, src, (nuint)data.Length);
        }

        return f.IsError(n) == 0 && n == (nuint)destination.Length;
    }

    /// <summary>The content size the frame header declares, or -1 when it declares none or is invalid.</summary>
    public static long FrameContentSize(ReadOnlySpan<byte> data)
    {
        fixed (byte* src = data)
        {
            var size = Loaded!.GetFrameContentSize(src, (nuint)data.Length);
            return size >= ulong.MaxValue - 1 || size > long.MaxValue ? -1 : (long)size;
        }
    }

    private static Functions? Load()
    {
        if (string.Equals(Environment.GetEnvironmentVariable("KEEPSAKE_ZSTD"), "managed", StringComparison.OrdinalIgnoreCase))
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
                var version = (delegate* unmanaged<uint>)NativeLibrary.GetExport(handle, "ZSTD_versionNumber");
                if (version() < 10400)
                {
                    continue;
                }

                return new Functions
                {
                    CompressBound = (delegate* unmanaged<nuint, nuint>)NativeLibrary.GetExport(handle, "ZSTD_compressBound"),
                    IsError = (delegate* unmanaged<nuint, uint>)NativeLibrary.GetExport(handle, "ZSTD_isError"),
                    CreateCCtx = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(handle, "ZSTD_createCCtx"),
                    FreeCCtx = (delegate* unmanaged<IntPtr, nuint>)NativeLibrary.GetExport(handle, "ZSTD_freeCCtx"),
                    CompressCCtx = (delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, int, nuint>)NativeLibrary.GetExport(handle, "ZSTD_compressCCtx"),
                    CreateDCtx = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(handle, "ZSTD_createDCtx"),
                    FreeDCtx = (delegate* unmanaged<IntPtr, nuint>)NativeLibrary.GetExport(handle, "ZSTD_freeDCtx"),
                    DecompressDCtx = (delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, nuint>)NativeLibrary.GetExport(handle, "ZSTD_decompressDCtx"),
                    GetFrameContentSize = (delegate* unmanaged<byte*, nuint, ulong>)NativeLibrary.GetExport(handle, "ZSTD_getFrameContentSize"),
                };
            }
            catch (EntryPointNotFoundException)
            {
                continue;
            }
        }

        return null;
    }

    private sealed class Functions
    {
        public required delegate* unmanaged<nuint, nuint> CompressBound { get; init; }

        public required delegate* unmanaged<nuint, uint> IsError { get; init; }

        public required delegate* unmanaged<IntPtr> CreateCCtx { get; init; }

        public required delegate* unmanaged<IntPtr, nuint> FreeCCtx { get; init; }

        public required delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, int, nuint> CompressCCtx { get; init; }

        public required delegate* unmanaged<IntPtr> CreateDCtx { get; init; }

        public required delegate* unmanaged<IntPtr, nuint> FreeDCtx { get; init; }

        public required delegate* unmanaged<IntPtr, byte*, nuint, byte*, nuint, nuint> DecompressDCtx { get; init; }

        public required delegate* unmanaged<byte*, nuint, ulong> GetFrameContentSize { get; init; }
    }
}
