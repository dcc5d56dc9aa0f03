using Keepsake.Device.Services.MobileBackup2;

namespace Keepsake.Device.Tests.Services.MobileBackup2;

/// <summary>Test fake: writes fail with ENOSPC once <c>failAfterBytes</c> bytes were written in total.</summary>
internal sealed class FullDiskFileSystem(IDeviceLinkFileSystem inner, long failAfterBytes) : IDeviceLinkFileSystem
{
    private readonly long _limit = failAfterBytes;
    private long _written;

    public Stream CreateFile(string path) => new Limited(inner.CreateFile(path), this);

    public void AbandonFile(string path) => inner.AbandonFile(path);

    public Stream? OpenRead(string path) => inner.OpenRead(path);

    public void CreateDirectory(string path) => inner.CreateDirectory(path);

    public void Move(string source, string destination) => inner.Move(source, destination);

    public void Remove(string path) => inner.Remove(path);

    public void Copy(string source, string destination) => inner.Copy(source, destination);

    public IReadOnlyList<DeviceLinkFileEntry> List(string path) => inner.List(path);

    public long GetFreeSpace() => long.MaxValue / 2;

    private sealed class Limited(Stream stream, FullDiskFileSystem owner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => stream.Length;

        public override long Position { get => stream.Position; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (owner._written + count > owner._limit)
            {
                throw new IOException("No space left on device", 28);
            }

            owner._written += count;
            stream.Write(buffer, offset, count);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.ToArray(), 0, buffer.Length);
            return ValueTask.CompletedTask;
        }

        public override void Flush() => stream.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                stream.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
