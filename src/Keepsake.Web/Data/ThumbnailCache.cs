using ImageMagick;
using Microsoft.Extensions.Caching.Memory;

namespace Keepsake.Web.Data;

/// <summary>
/// Photo thumbnails, made on demand from the backup's file and kept in memory only, within a byte budget
/// (least recently used dropped first): never written to disk as plain files. A file that cannot be
/// decoded gets no thumbnail (the grid shows its name).
/// </summary>
public sealed class ThumbnailCache : IDisposable
{
    /// <summary>The longest side of a thumbnail, in pixels.</summary>
    public const int Size = 256;

    /// <summary>Files larger than this are not decoded for a thumbnail.</summary>
    public const long MaxSource = 64L * 1024 * 1024;

    private readonly MemoryCache _cache;
    private readonly SemaphoreSlim _decoders = new(2, 2);

    /// <param name="budgetBytes">Total bytes of thumbnails kept (default 64 MiB).</param>
    public ThumbnailCache(long budgetBytes = 64L * 1024 * 1024) =>
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = budgetBytes, CompactionPercentage = 0.25 });

    /// <summary>The JPEG thumbnail of <paramref name="key"/>'s image, read from <paramref name="open"/> when not cached; null when undecodable.</summary>
    public async Task<byte[]?> GetAsync(string key, long sourceSize, Func<Stream> open, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        if (_cache.TryGetValue(key, out byte[]? hit))
        {
            return hit;
        }

        if (sourceSize > MaxSource)
        {
            return null;
        }

        await _decoders.WaitAsync(cancellationToken);
        try
        {
            if (_cache.TryGetValue(key, out hit))
            {
                return hit;
            }

            var thumbnail = await Task.Run(() => Make(open), cancellationToken);
            if (thumbnail is not null)
            {
                _cache.Set(key, thumbnail, new MemoryCacheEntryOptions { Size = thumbnail.Length });
            }

            return thumbnail;
        }
        finally
        {
            _decoders.Release();
        }
    }

    private static byte[]? Make(Func<Stream> open)
    {
        try
        {
            using var source = open();
            using var buffer = new MemoryStream();
            source.CopyTo(buffer);
            buffer.Position = 0;
            using var image = new MagickImage(buffer);
            image.AutoOrient();
            image.Thumbnail(Size, Size);
            image.Strip();
            image.Quality = 80;
            image.Format = MagickFormat.Jpeg;
            return image.ToByteArray();
        }
        catch (MagickException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _cache.Dispose();
        _decoders.Dispose();
    }
}
