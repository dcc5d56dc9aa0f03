namespace Keepsake.Repository.Internal;

/// <summary>
/// A native library's context (a zstd compression context, an OpenSSL MAC context) kept per thread and freed
/// with its library's free function when the thread's reference to it is collected.
/// </summary>
internal sealed class NativeContext
{
    private readonly Action<IntPtr> _free;

    /// <param name="pointer">The context; zero means the library could not allocate it.</param>
    /// <param name="free">The library's free function.</param>
    /// <param name="library">The library's name, for the allocation error.</param>
    public NativeContext(IntPtr pointer, Action<IntPtr> free, string library)
    {
        Pointer = pointer != IntPtr.Zero ? pointer : throw new OutOfMemoryException($"{library} could not allocate a context.");
        _free = free;
    }

    ~NativeContext() => _free(Pointer);

    public IntPtr Pointer { get; }
}
