using System.Reflection;
using Keepsake.Repository.Backends;
using Keepsake.Repository.Tests.Backends;
using Keepsake.TestKit;

namespace Keepsake.Repository.S3.Tests;

/// <summary>
/// Every test of <see cref="BackendConformanceTests"/> against the S3 backend on the real test
/// server, with a small multipart threshold so that multipart uploads are part of the contract run.
/// (One theory case per contract test, so that the whole set skips when there is no server.)
/// </summary>
public sealed class S3BackendConformanceTests
{
    public static TheoryData<string> ContractTests()
    {
        var data = new TheoryData<string>();
        foreach (var method in typeof(BackendConformanceTests).GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.GetCustomAttribute<FactAttribute>() is not null).OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            data.Add(method.Name);
        }

        return data;
    }

    [S3Theory]
    [MemberData(nameof(ContractTests))]
    public async Task Contract_OnRadosgw_Holds(string test)
    {
        using var suite = new Suite(new S3BackendOptions());
        await (Task)typeof(BackendConformanceTests).GetMethod(test)!.Invoke(suite, null)!;
    }

    [S3Theory]
    [MemberData(nameof(ContractTests))]
    public async Task Contract_UnderPrefixWithMultipart_Holds(string test)
    {
        using var suite = new Suite(new S3BackendOptions { MultipartThreshold = 1024, PartSize = S3BackendOptions.MinimumPartSize }, "vaults/family");
        await (Task)typeof(BackendConformanceTests).GetMethod(test)!.Invoke(suite, null)!;
    }

    [S3Theory]
    [MemberData(nameof(ContractTests))]
    public async Task Contract_ThroughTheLocalCache_Holds(string test)
    {
        using var cache = new TempDirectory();
        using var suite = new Suite(new S3BackendOptions(), wrap: b => new CachingBackend(b, cache.Path));
        await (Task)typeof(BackendConformanceTests).GetMethod(test)!.Invoke(suite, null)!;
    }

    [S3Theory]
    [MemberData(nameof(ContractTests))]
    public async Task Contract_WithPackReadAhead_Holds(string test)
    {
        using var suite = new Suite(new S3BackendOptions(), wrap: b => new PackReadAheadBackend(b, maxPacks: 2));
        await (Task)typeof(BackendConformanceTests).GetMethod(test)!.Invoke(suite, null)!;
    }

    private sealed class Suite(S3BackendOptions options, string? prefix = null, Func<IBackend, IBackend>? wrap = null) : BackendConformanceTests
    {
        private S3Backend? _backend;

        protected override IBackend CreateBackend()
        {
            _backend = S3TestBackends.CreateAsync(prefix, options).GetAwaiter().GetResult();
            return wrap?.Invoke(_backend) ?? _backend;
        }

        public override void Dispose()
        {
            _backend?.Dispose();
            base.Dispose();
        }
    }
}
