using System.Security.Cryptography;
using Keepsake.Repository.Backends;

namespace Keepsake.Repository.Tests.Backends;

/// <summary>
/// The contract of <see cref="IBackend"/>, run against every implementation (Local, Memory; S3 later).
/// A subclass only says how to make a fresh, empty backend.
/// </summary>
public abstract class BackendConformanceTests : IDisposable
{
    private IBackend? _backend;

    protected IBackend Backend => _backend ??= CreateBackend();

    /// <summary>A fresh, empty backend.</summary>
    protected abstract IBackend CreateBackend();

    public virtual void Dispose() => GC.SuppressFinalize(this);

    protected static (string Name, byte[] Data) NewFile(int size = 1000)
    {
        var data = RandomNumberGenerator.GetBytes(size);
        return (Convert.ToHexStringLower(SHA256.HashData(data)), data);
    }

    [Fact]
    public async Task SaveAsync_ThenLoadAsync_ReturnsSameBytes()
    {
        foreach (var type in new[] { FileType.Key, FileType.Lock, FileType.Snapshot, FileType.Index, FileType.Pack })
        {
            var (name, data) = NewFile();
            await Backend.SaveAsync(type, name, data);
            Assert.Equal(data, await Backend.LoadAsync(type, name));
        }
    }

    [Fact]
    public async Task SaveAsync_Config_IsListedAndLoaded()
    {
        var data = RandomNumberGenerator.GetBytes(100);
        await Backend.SaveAsync(FileType.Config, BackendNames.ConfigName, data);
        Assert.Equal(data, await Backend.LoadAsync(FileType.Config, BackendNames.ConfigName));
        var listed = await ListAsync(FileType.Config);
        Assert.Equal([BackendNames.ConfigName], listed.Select(f => f.Name));
    }

    [Fact]
    public async Task LoadAsync_Range_ReturnsThatRange()
    {
        var (name, data) = NewFile(5000);
        await Backend.SaveAsync(FileType.Pack, name, data);
        Assert.Equal(data[100..350], await Backend.LoadAsync(FileType.Pack, name, 100, 250));
        Assert.Equal(data[4990..], await Backend.LoadAsync(FileType.Pack, name, 4990, 100));
        Assert.Equal(data[4000..], await Backend.LoadAsync(FileType.Pack, name, 4000));
        Assert.Empty(await Backend.LoadAsync(FileType.Pack, name, 6000, 10));
    }

    [Fact]
    public async Task ReadAsync_IntoBuffer_ReadsRangeAndStopsAtEnd()
    {
        var (name, data) = NewFile(5000);
        await Backend.SaveAsync(FileType.Pack, name, data);
        var buffer = new byte[300];
        Assert.Equal(250, await Backend.ReadAsync(FileType.Pack, name, 100, buffer.AsMemory(10, 250)));
        Assert.Equal(data[100..350], buffer[10..260]);
        Assert.Equal(10, await Backend.ReadAsync(FileType.Pack, name, 4990, buffer));
        Assert.Equal(data[4990..], buffer[..10]);
        Assert.Equal(0, await Backend.ReadAsync(FileType.Pack, name, 6000, buffer));
        await Assert.ThrowsAsync<BackendNotFoundException>(() => Backend.ReadAsync(FileType.Pack, NewFile().Name, 0, buffer));
    }

    [Fact]
    public async Task LoadAsync_Missing_ThrowsNotFound()
    {
        var (name, _) = NewFile();
        var e = await Assert.ThrowsAsync<BackendNotFoundException>(() => Backend.LoadAsync(FileType.Snapshot, name));
        Assert.False(e.IsTransient);
        Assert.Equal(name, e.Name);
        await Assert.ThrowsAsync<BackendNotFoundException>(() => Backend.StatAsync(FileType.Snapshot, name));
    }

    [Fact]
    public async Task SaveAsync_Twice_IsIdempotent()
    {
        var (name, data) = NewFile();
        await Backend.SaveAsync(FileType.Index, name, data);
        await Backend.SaveAsync(FileType.Index, name, data);
        Assert.Single(await ListAsync(FileType.Index));
        Assert.Equal(data, await Backend.LoadAsync(FileType.Index, name));
    }

    [Fact]
    public async Task ListAsync_ListsOnlyThatType_WithSizes()
    {
        var (a, dataA) = NewFile(10);
        var (b, dataB) = NewFile(20);
        var (c, dataC) = NewFile(30);
        await Backend.SaveAsync(FileType.Pack, a, dataA);
        await Backend.SaveAsync(FileType.Pack, b, dataB);
        await Backend.SaveAsync(FileType.Snapshot, c, dataC);
        var packs = await ListAsync(FileType.Pack);
        Assert.Equal(new[] { (a, 10L), (b, 20L) }.OrderBy(x => x.Item1, StringComparer.Ordinal), packs.Select(f => (f.Name, f.Size)).OrderBy(x => x.Name, StringComparer.Ordinal));
        Assert.Equal(30, (await Backend.StatAsync(FileType.Snapshot, c)).Size);
    }

    [Fact]
    public async Task RemoveAsync_RemovesAndIsIdempotent()
    {
        var (name, data) = NewFile();
        await Backend.SaveAsync(FileType.Lock, name, data);
        await Backend.RemoveAsync(FileType.Lock, name);
        await Backend.RemoveAsync(FileType.Lock, name);
        Assert.Empty(await ListAsync(FileType.Lock));
        await Assert.ThrowsAsync<BackendNotFoundException>(() => Backend.LoadAsync(FileType.Lock, name));
    }

    [Fact]
    public async Task SaveAsync_InvalidName_ThrowsArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Backend.SaveAsync(FileType.Pack, "../escape", new byte[1]));
        await Assert.ThrowsAsync<ArgumentException>(() => Backend.LoadAsync(FileType.Index, "ABC"));
    }

    [Fact]
    public async Task SaveAsync_Concurrent_AllStored()
    {
        var files = Enumerable.Range(0, 32).Select(_ => NewFile(2000)).ToList();
        await Task.WhenAll(files.Select(f => Backend.SaveAsync(FileType.Pack, f.Name, f.Data)));
        Assert.Equal(32, (await ListAsync(FileType.Pack)).Count);
        foreach (var (name, data) in files)
        {
            Assert.Equal(data, await Backend.LoadAsync(FileType.Pack, name));
        }
    }

    private async Task<List<BackendFileInfo>> ListAsync(FileType type)
    {
        var result = new List<BackendFileInfo>();
        await foreach (var f in Backend.ListAsync(type))
        {
            result.Add(f);
        }

        return result;
    }
}
