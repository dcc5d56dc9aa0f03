using Keepsake.BackupFormat;
using Keepsake.Export.Databases;
using Keepsake.Export.Messages;
using Keepsake.Export.Photos;
using Keepsake.Repository.Snapshots;

namespace Keepsake.Web.Data;

/// <summary>
/// One snapshot opened as a backup (<see cref="IBackupFileSource"/>), with its databases opened on first
/// use through the exporters' own readers. SQLite connections are not shared between threads: callers
/// take <see cref="Gate"/> around every query.
/// </summary>
public sealed class SnapshotView : IDisposable
{
    private static readonly TimeSpan UseWindow = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MessagesDatabase? _messages;
    private DatabaseFile? _photos;
    private bool _photosLooked;
    private IReadOnlyList<ConversationSummary>? _conversations;
    private IReadOnlyList<PhotoAsset>? _assets;

    internal SnapshotView(Snapshot snapshot, IBackupFileSource source)
    {
        Snapshot = snapshot;
        Source = source;
        Touch();
    }

    public Snapshot Snapshot { get; }

    public IBackupFileSource Source { get; }

    /// <summary>Held around every use of this view's databases.</summary>
    public SemaphoreSlim Gate => _gate;

    internal DateTimeOffset LastUsed { get; private set; }

    internal bool InUse => DateTimeOffset.UtcNow - LastUsed < UseWindow;

    internal void Touch() => LastUsed = DateTimeOffset.UtcNow;

    /// <summary>sms.db (with the AddressBook's names), opened once. Call with <see cref="Gate"/> held.</summary>
    /// <exception cref="Export.NoDataException">The backup has no messages database.</exception>
    public async Task<MessagesDatabase> MessagesAsync(CancellationToken cancellationToken = default) =>
        _messages ??= await MessagesDatabase.OpenAsync(Source, cancellationToken);

    /// <summary>Photos.sqlite, or null when the backup has none. Call with <see cref="Gate"/> held.</summary>
    public async Task<DatabaseFile?> PhotosDatabaseAsync(CancellationToken cancellationToken = default)
    {
        if (!_photosLooked)
        {
            _photos = await DatabaseFile.OpenOptionalFromBackupAsync(Source, PhotosExporter.Domain, PhotosExporter.Path, cancellationToken);
            _photosLooked = true;
        }

        return _photos;
    }

    internal IReadOnlyList<ConversationSummary>? CachedConversations { get => _conversations; set => _conversations = value; }

    internal IReadOnlyList<PhotoAsset>? CachedAssets { get => _assets; set => _assets = value; }

    /// <summary>Readable tables already made from this snapshot, by kind (a snapshot never changes).</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<Export.ExportKind, IReadOnlyList<DataTable>> CachedTables { get; } = new();

    public void Dispose()
    {
        _messages?.Dispose();
        _photos?.Dispose();
        Source.Dispose();
        _gate.Dispose();
    }
}
