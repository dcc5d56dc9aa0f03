using System.Buffers;

namespace Keepsake.Repository.Internal;

/// <summary>
/// The repository's own buffer pool: arrays up to 32 MiB, at most 4 kept per size. Unlike
/// <see cref="ArrayPool{T}.Shared"/> it keeps no per-thread copies, so what it retains stays bounded
/// (a few hundred MiB at worst) however many threads run blobs through it.
/// </summary>
internal static class BufferPool
{
    public static readonly ArrayPool<byte> Shared = ArrayPool<byte>.Create(32 * 1024 * 1024, 4);
}
