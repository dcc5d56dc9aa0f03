using Keepsake.Device.Services.MobileBackup2;

namespace Keepsake.Device.Tests.Services.MobileBackup2;

/// <summary>Test fake: a host file system that reports only 1 KiB free.</summary>
internal sealed class TinyDiskFileSystem(IDeviceLinkFileSystem inner) : IDeviceLinkFileSystem
{
    public Stream CreateFile(string path) => inner.CreateFile(path);

    public void AbandonFile(string path) => inner.AbandonFile(path);

    public Stream? OpenRead(string path) => inner.OpenRead(path);

    public void CreateDirectory(string path) => inner.CreateDirectory(path);

    public void Move(string source, string destination) => inner.Move(source, destination);

    public void Remove(string path) => inner.Remove(path);

    public void Copy(string source, string destination) => inner.Copy(source, destination);

    public IReadOnlyList<DeviceLinkFileEntry> List(string path) => inner.List(path);

    public long GetFreeSpace() => 1024;
}
