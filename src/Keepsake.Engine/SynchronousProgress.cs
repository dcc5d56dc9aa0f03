namespace Keepsake.Engine;

/// <summary>
/// An <see cref="IProgress{T}"/> that runs the handler at once on the reporting thread (unlike
/// <see cref="Progress{T}"/>, which posts it), so reports arrive in order and never after the work
/// ended. The handler must be thread-safe when the work reports from several threads.
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
