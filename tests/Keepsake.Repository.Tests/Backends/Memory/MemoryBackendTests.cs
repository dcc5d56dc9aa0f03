using Keepsake.Repository.Backends;
using Keepsake.Repository.Backends.Memory;

namespace Keepsake.Repository.Tests.Backends.Memory;

public sealed class MemoryBackendTests : BackendConformanceTests
{
    protected override IBackend CreateBackend() => new MemoryBackend();
}
