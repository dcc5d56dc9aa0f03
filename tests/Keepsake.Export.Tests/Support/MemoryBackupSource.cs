using Keepsake.BackupFormat;

namespace Keepsake.Export.Tests.Support;

/// <summary>An in-memory IBackupFileSource holding a few files, for exporter tests (the real ones are BackupFolder and the vault snapshot).</summary>
internal sealed class MemoryBackupSource : IBackupFileSource
{
    private readonly SortedDictionary<(string Domain, string Path), byte[]?> _files = new();

    public BackupProperties Properties { get; } = new() { DeviceName = "Test iPhone" };

    /// <summary>Adds a file; null content makes an entry whose blob is missing.</summary>
    public void Add(string domain, string path, byte[]? content) => _files[(domain, path)] = content;

    public IEnumerable<BackupEntry> Entries(string? domain = null, string? pathPrefix = null) =>
        _files.Where(kv => (domain is null || kv.Key.Domain == domain) && (pathPrefix is null || kv.Key.Path.StartsWith(pathPrefix, StringComparison.Ordinal)))
            .Select(kv => Entry(kv.Key.Domain, kv.Key.Path, kv.Value));

    public BackupEntry? FindEntry(string domain, string relativePath) =>
        _files.TryGetValue((domain, relativePath), out var content) ? Entry(domain, relativePath, content) : null;

    public Stream OpenRead(BackupEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!_files.TryGetValue((entry.Domain, entry.RelativePath), out var content) || content is null)
        {
            throw new BackupFormatException(BackupFormatError.MissingBlob, $"{entry.Domain}/{entry.RelativePath}", "blob absent");
        }

        return new MemoryStream(content, writable: false);
    }

    public void Dispose()
    {
    }

    private static BackupEntry Entry(string domain, string path, byte[]? content) => new()
    {
        FileId = $"{domain}-{path}",
        Domain = domain,
        RelativePath = path,
        Kind = BackupEntryKind.File,
        Size = content?.Length ?? 0,
    };
}
