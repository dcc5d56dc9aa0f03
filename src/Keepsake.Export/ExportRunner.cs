using Keepsake.BackupFormat;
using Keepsake.Export.CallHistory;
using Keepsake.Export.Calendar;
using Keepsake.Export.Contacts;
using Keepsake.Export.Databases;
using Keepsake.Export.Messages;
using Keepsake.Export.Notes;
using Keepsake.Export.Photos;
using Keepsake.Export.Safari;
using Keepsake.Export.Voicemail;
using Keepsake.Export.WhatsApp;

namespace Keepsake.Export;

/// <summary>
/// The entry point the CLI and web call: export one kind of data from a backup (any
/// <see cref="IBackupFileSource"/>: a backup folder or a vault snapshot) or from a loose database
/// file, into a folder. Databases are copied from the backup into a private temporary folder and
/// deleted afterwards.
/// </summary>
public static class ExportRunner
{
    /// <summary>
    /// Exports <paramref name="kind"/> from a backup. When the export fails (a full disk, damaged
    /// data), the temporary <c>*.partial</c> files it was writing are removed: only finished files stay.
    /// </summary>
    /// <exception cref="ExportException">The backup lacks the data or it is not readable.</exception>
    /// <exception cref="ArgumentException">The format is not one the kind supports.</exception>
    public static Task<ExportResult> RunAsync(ExportKind kind, IBackupFileSource source, string destination, ExportOptions? options = null, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        return GuardedAsync(destination, $"the backup's {kind} database", () => RunFromBackupAsync(kind, source, destination, options ?? new ExportOptions(), progress, cancellationToken));
    }

    private static async Task<ExportResult> RunFromBackupAsync(ExportKind kind, IBackupFileSource source, string destination, ExportOptions options, IProgress<ExportProgress>? progress, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case ExportKind.Messages:
                {
                    using var db = await MessagesDatabase.OpenAsync(source, cancellationToken).ConfigureAwait(false);
                    return await ExportMessagesAsync(db, destination, options, progress, cancellationToken).ConfigureAwait(false);
                }

            case ExportKind.Contacts:
                {
                    using var book = await RequireAsync(source, kind, "contacts", MessagesDatabase.HomeDomain, MessagesDatabase.AddressBookPath, cancellationToken).ConfigureAwait(false);
                    using var images = await DatabaseFile.OpenOptionalFromBackupAsync(source, MessagesDatabase.HomeDomain, ContactsExporter.ImagesPath, cancellationToken).ConfigureAwait(false);
                    return await ExportContactsAsync(book, images, destination, options, progress, cancellationToken).ConfigureAwait(false);
                }

            case ExportKind.Calls:
                {
                    using var calls = await DatabaseFile.OpenFromBackupAsync(source, MessagesDatabase.HomeDomain, CallHistoryExporter.StoreDataPath, cancellationToken).ConfigureAwait(false)
                        ?? await DatabaseFile.OpenFromBackupAsync(source, CallHistoryExporter.LegacyDomain, CallHistoryExporter.LegacyPath, cancellationToken).ConfigureAwait(false)
                        ?? throw new NoDataException(kind, "call history (CallHistory.storedata is only in encrypted backups on current iOS)", $"{MessagesDatabase.HomeDomain}/{CallHistoryExporter.StoreDataPath}");
                    var names = ContactNames.Empty;
                    using (var book = await DatabaseFile.OpenOptionalFromBackupAsync(source, MessagesDatabase.HomeDomain, MessagesDatabase.AddressBookPath, cancellationToken).ConfigureAwait(false))
                    {
                        if (book is not null)
                        {
                            names = ContactNames.Read(book);
                        }
                    }

                    return await ExportCallsAsync(calls, names, destination, options, progress, cancellationToken).ConfigureAwait(false);
                }

            case ExportKind.Notes:
                {
                    using var notes = await RequireAsync(source, kind, "Notes", NotesExporter.Domain, NotesExporter.Path, cancellationToken).ConfigureAwait(false);
                    return await ExportNotesAsync(notes, destination, options, progress, cancellationToken).ConfigureAwait(false);
                }

            case ExportKind.Calendar:
                {
                    using var calendar = await RequireAsync(source, kind, "calendar", CalendarExporter.Domain, CalendarExporter.Path, cancellationToken).ConfigureAwait(false);
                    return ExportCalendar(calendar, destination, options, cancellationToken);
                }

            case ExportKind.Safari:
                {
                    var format = TableFormatOf(options.Format, kind);
                    var counts = new Dictionary<string, long>(StringComparer.Ordinal) { ["visits"] = 0, ["bookmarks"] = 0 };
                    var found = false;
                    foreach (var domain in SafariExporter.Domains)
                    {
                        using (var history = await DatabaseFile.OpenFromBackupAsync(source, domain, SafariExporter.HistoryPath, cancellationToken).ConfigureAwait(false))
                        {
                            if (history is not null)
                            {
                                found = true;
                                counts["visits"] += SafariExporter.ExportHistory(history, destination, format, domain == "HomeDomain" ? "safari-history" : "safari-history-app", options.TimeZone, cancellationToken);
                            }
                        }

                        using (var bookmarks = await DatabaseFile.OpenFromBackupAsync(source, domain, SafariExporter.BookmarksPath, cancellationToken).ConfigureAwait(false))
                        {
                            if (bookmarks is not null)
                            {
                                found = true;
                                var (marks, reading) = SafariExporter.ExportBookmarks(bookmarks, destination, format, cancellationToken);
                                counts["bookmarks"] += marks;
                                if (reading > 0)
                                {
                                    counts["readingList"] = counts.GetValueOrDefault("readingList") + reading;
                                }
                            }
                        }
                    }

                    if (!found)
                    {
                        throw new NoDataException(kind, "Safari (History.db or Bookmarks.db; Safari history is only in encrypted backups)", $"HomeDomain/{SafariExporter.HistoryPath}");
                    }

                    return new ExportResult(kind, destination, counts);
                }

            case ExportKind.WhatsApp:
                {
                    using var chats = await RequireAsync(source, kind, "WhatsApp", WhatsAppExporter.Domain, WhatsAppExporter.Path, cancellationToken).ConfigureAwait(false);
                    return await ExportWhatsAppAsync(chats, source, destination, options, progress, cancellationToken).ConfigureAwait(false);
                }

            case ExportKind.Voicemail:
                {
                    using var voicemail = await RequireAsync(source, kind, "voicemail", VoicemailExporter.Domain, VoicemailExporter.Path, cancellationToken).ConfigureAwait(false);
                    var names = ContactNames.Empty;
                    using (var book = await DatabaseFile.OpenOptionalFromBackupAsync(source, MessagesDatabase.HomeDomain, MessagesDatabase.AddressBookPath, cancellationToken).ConfigureAwait(false))
                    {
                        if (book is not null)
                        {
                            names = ContactNames.Read(book);
                        }
                    }

                    return await ExportVoicemailAsync(voicemail, source, names, destination, options, cancellationToken).ConfigureAwait(false);
                }

            case ExportKind.Photos:
                {
                    return await ExportPhotosAsync(source, destination, options, progress, cancellationToken).ConfigureAwait(false);
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown export kind.");
        }
    }

    /// <summary>
    /// Exports <paramref name="kind"/> from a loose database file (an sms.db or chat.db, an
    /// AddressBook.sqlitedb, ...). On failure, as the backup overload, no <c>*.partial</c> file stays.
    /// </summary>
    public static Task<ExportResult> RunAsync(ExportKind kind, string databasePath, string destination, ExportOptions? options = null, IProgress<ExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        return GuardedAsync(destination, Path.GetFullPath(databasePath), () => RunFromFileAsync(kind, databasePath, destination, options ?? new ExportOptions(), progress, cancellationToken));
    }

    /// <summary>
    /// Runs an export. If it throws, deletes the <c>*.partial</c> files under <paramref name="destination"/>
    /// written since it started (the exporters' temporary names), and turns a damaged database met part-way
    /// into an <see cref="ExportException"/> naming <paramref name="where"/>; then rethrows.
    /// </summary>
    private static async Task<ExportResult> GuardedAsync(string destination, string where, Func<Task<ExportResult>> export)
    {
        var started = DateTime.UtcNow.AddSeconds(-2);
        try
        {
            return await export().ConfigureAwait(false);
        }
        catch (Exception e) when (IsDamagedDatabase(e))
        {
            RemovePartials(destination, started);
            throw Damaged(e, where);
        }
        catch
        {
            RemovePartials(destination, started);
            throw;
        }
    }

    private static void RemovePartials(string destination, DateTime since)
    {
        if (!Directory.Exists(destination))
        {
            return;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var partial in Directory.EnumerateFiles(destination, "*.partial", options))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(partial) >= since)
                {
                    File.Delete(partial);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort: the export's own error is the one to report.
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/> is SQLite failing on a damaged file ("database disk image is
    /// malformed", a truncated page...) or its reader meeting a value it cannot convert, part-way through
    /// an export: bad data, reported as <see cref="ExportException"/>, never as a crash.
    /// </summary>
    private static bool IsDamagedDatabase(Exception exception) => exception switch
    {
        Microsoft.Data.Sqlite.SqliteException => true,
        InvalidCastException or OverflowException => true,
        InvalidOperationException when exception.Source == "Microsoft.Data.Sqlite" => true,
        _ => false,
    };

    private static ExportException Damaged(Exception exception, string where) => exception is Microsoft.Data.Sqlite.SqliteException sqlite
        ? new ExportException($"the database cannot be read, it is damaged (SQLite error {sqlite.SqliteErrorCode}: {sqlite.Message})", where, exception)
        : new ExportException($"the database holds a value that cannot be read ({exception.Message})", where, exception);

    private static async Task<ExportResult> RunFromFileAsync(ExportKind kind, string databasePath, string destination, ExportOptions options, IProgress<ExportProgress>? progress, CancellationToken cancellationToken)
    {
        if (kind == ExportKind.Messages)
        {
            using var db = MessagesDatabase.Open(databasePath, null, options.AttachmentsRoot);
            return await ExportMessagesAsync(db, destination, options, progress, cancellationToken).ConfigureAwait(false);
        }

        using var file = DatabaseFile.OpenPath(databasePath);
        switch (kind)
        {
            case ExportKind.Contacts:
                {
                    var imagesPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath))!, "AddressBookImages.sqlitedb");
                    using var images = File.Exists(imagesPath) ? DatabaseFile.OpenPath(imagesPath) : null;
                    return await ExportContactsAsync(file, images, destination, options, progress, cancellationToken).ConfigureAwait(false);
                }

            case ExportKind.Calls:
                return await ExportCallsAsync(file, ContactNames.Empty, destination, options, progress, cancellationToken).ConfigureAwait(false);
            case ExportKind.Notes:
                return await ExportNotesAsync(file, destination, options, progress, cancellationToken).ConfigureAwait(false);
            case ExportKind.Calendar:
                return ExportCalendar(file, destination, options, cancellationToken);
            case ExportKind.Safari:
                {
                    var format = TableFormatOf(options.Format, kind);
                    var counts = new Dictionary<string, long>(StringComparer.Ordinal);
                    if (file.Schema.HasTable("history_visits"))
                    {
                        counts["visits"] = SafariExporter.ExportHistory(file, destination, format, "safari-history", options.TimeZone, cancellationToken);
                    }
                    else
                    {
                        var (marks, reading) = SafariExporter.ExportBookmarks(file, destination, format, cancellationToken);
                        counts["bookmarks"] = marks;
                        if (reading > 0)
                        {
                            counts["readingList"] = reading;
                        }
                    }

                    return new ExportResult(kind, destination, counts);
                }

            case ExportKind.WhatsApp:
                return await ExportWhatsAppAsync(file, null, destination, options, progress, cancellationToken).ConfigureAwait(false);
            case ExportKind.Voicemail:
                return await ExportVoicemailAsync(file, null, ContactNames.Empty, destination, options, cancellationToken).ConfigureAwait(false);
            case ExportKind.Photos:
                return await ExportPhotosAsync(file, null, destination, options, progress, cancellationToken).ConfigureAwait(false);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown export kind.");
        }
    }

    /// <summary>The kind's database; its absence means the backup holds none of that data (<see cref="NoDataException"/>).</summary>
    private static async Task<DatabaseFile> RequireAsync(IBackupFileSource source, ExportKind kind, string what, string domain, string path, CancellationToken cancellationToken) =>
        await DatabaseFile.OpenFromBackupAsync(source, domain, path, cancellationToken).ConfigureAwait(false)
        ?? throw new NoDataException(kind, what, $"{domain}/{path}");

    private static async Task<ExportResult> ExportMessagesAsync(MessagesDatabase db, string destination, ExportOptions options, IProgress<ExportProgress>? progress, CancellationToken cancellationToken)
    {
        var result = await new MessagesExporter(db).ExportAsync(destination, new MessagesExportOptions
        {
            Format = MessageFormatOf(options.Format, ExportKind.Messages),
            Filter = options.Filter,
            TimeZone = options.TimeZone,
        }, progress, cancellationToken).ConfigureAwait(false);
        return new ExportResult(ExportKind.Messages, destination, new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["conversations"] = result.Conversations,
            ["messages"] = result.Messages,
            ["newMessages"] = result.NewMessages,
            ["attachments"] = result.Attachments,
            ["attachmentsCopied"] = result.AttachmentsCopied,
            ["attachmentsMissing"] = result.AttachmentsMissing,
            ["filesWritten"] = result.FilesWritten,
            ["bodyDiagnostics"] = result.BodyDiagnostics,
        });
    }

    private static async Task<ExportResult> ExportContactsAsync(DatabaseFile book, DatabaseFile? images, string destination, ExportOptions options, IProgress<ExportProgress>? progress, CancellationToken cancellationToken)
    {
        if (options.Format is not null && !options.Format.Equals("vcf", StringComparison.OrdinalIgnoreCase) && !options.Format.Equals("vcard", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Contacts export only as vcf, not '{options.Format}'.", nameof(options));
        }

        var result = await new ContactsExporter(book, images).ExportAsync(destination, progress, cancellationToken).ConfigureAwait(false);
        return new ExportResult(ExportKind.Contacts, destination, new Dictionary<string, long>(StringComparer.Ordinal) { ["contacts"] = result.Contacts, ["photos"] = result.WithPhoto });
    }

    private static async Task<ExportResult> ExportCallsAsync(DatabaseFile calls, ContactNames names, string destination, ExportOptions options, IProgress<ExportProgress>? progress, CancellationToken cancellationToken)
    {
        var count = await new CallHistoryExporter(calls, names).ExportAsync(destination, TableFormatOf(options.Format, ExportKind.Calls), options.TimeZone, progress, cancellationToken).ConfigureAwait(false);
        return new ExportResult(ExportKind.Calls, destination, new Dictionary<string, long>(StringComparer.Ordinal) { ["calls"] = count });
    }

    private static async Task<ExportResult> ExportNotesAsync(DatabaseFile notes, string destination, ExportOptions options, IProgress<ExportProgress>? progress, CancellationToken cancellationToken)
    {
        var format = options.Format?.ToLowerInvariant() switch
        {
            null or "md" or "markdown" => NoteFormat.Markdown,
            "txt" or "text" => NoteFormat.Txt,
            "html" => NoteFormat.Html,
            var other => throw new ArgumentException($"Notes export as md, txt or html, not '{other}'.", nameof(options)),
        };
        var result = await new NotesExporter(notes).ExportAsync(destination, format, progress, cancellationToken).ConfigureAwait(false);
        return new ExportResult(ExportKind.Notes, destination, new Dictionary<string, long>(StringComparer.Ordinal) { ["notes"] = result.Notes, ["locked"] = result.Locked, ["failed"] = result.Failed });
    }

    private static ExportResult ExportCalendar(DatabaseFile calendar, string destination, ExportOptions options, CancellationToken cancellationToken)
    {
        if (options.Format is not null && !options.Format.Equals("ics", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Calendar export only as ics, not '{options.Format}'.", nameof(options));
        }

        var events = CalendarExporter.Export(calendar, destination, cancellationToken);
        return new ExportResult(ExportKind.Calendar, destination, new Dictionary<string, long>(StringComparer.Ordinal) { ["events"] = events });
    }

    private static async Task<ExportResult> ExportWhatsAppAsync(DatabaseFile chats, IBackupFileSource? source, string destination, ExportOptions options, IProgress<ExportProgress>? progress, CancellationToken cancellationToken)
    {
        var result = await new WhatsAppExporter(chats, source).ExportAsync(destination, MessageFormatOf(options.Format, ExportKind.WhatsApp), options.TimeZone, progress, cancellationToken).ConfigureAwait(false);
        return new ExportResult(ExportKind.WhatsApp, destination, new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["chats"] = result.Chats,
            ["messages"] = result.Messages,
            ["media"] = result.Media,
            ["mediaCopied"] = result.MediaCopied,
        });
    }

    private static async Task<ExportResult> ExportVoicemailAsync(DatabaseFile voicemail, IBackupFileSource? source, ContactNames names, string destination, ExportOptions options, CancellationToken cancellationToken)
    {
        var (count, audio, playable) = await new VoicemailExporter(voicemail, source, names).ExportAsync(destination, TableFormatOf(options.Format, ExportKind.Voicemail), options.TimeZone, cancellationToken).ConfigureAwait(false);
        return new ExportResult(ExportKind.Voicemail, destination, new Dictionary<string, long>(StringComparer.Ordinal) { ["voicemails"] = count, ["audioCopied"] = audio, ["audioConverted"] = playable });
    }

    /// <summary>
    /// Photos through Photos.sqlite; when the backup lacks it or it cannot be read, from the camera-roll files
    /// themselves (<see cref="CameraRollExporter"/>).
    /// </summary>
    private static async Task<ExportResult> ExportPhotosAsync(IBackupFileSource source, string destination, ExportOptions options, IProgress<ExportProgress>? progress, CancellationToken cancellationToken)
    {
        DatabaseFile? photos = null;
        string? fallbackReason;
        try
        {
            photos = await DatabaseFile.OpenFromBackupAsync(source, PhotosExporter.Domain, PhotosExporter.Path, cancellationToken).ConfigureAwait(false);
            fallbackReason = photos is null ? "the backup holds no Photos.sqlite" : null;
            if (photos is not null)
            {
                _ = new PhotosExporter(photos, source);
            }
        }
        catch (Exception ex) when (ex is ExportException or Microsoft.Data.Sqlite.SqliteException or InvalidDataException)
        {
            photos?.Dispose();
            photos = null;
            fallbackReason = $"Photos.sqlite could not be read ({ex.Message})";
        }

        if (photos is not null)
        {
            using (photos)
            {
                return await ExportPhotosAsync(photos, source, destination, options, progress, cancellationToken).ConfigureAwait(false);
            }
        }

        var result = await CameraRollExporter.ExportAsync(source, destination, TableFormatOf(options.Format, ExportKind.Photos), fallbackReason!, progress, cancellationToken).ConfigureAwait(false);
        return new ExportResult(ExportKind.Photos, destination, new Dictionary<string, long>(StringComparer.Ordinal) { ["assets"] = result.Assets, ["copied"] = result.Copied, ["missing"] = result.Missing, ["fromCameraRollFiles"] = 1 });
    }

    private static async Task<ExportResult> ExportPhotosAsync(DatabaseFile photos, IBackupFileSource? source, string destination, ExportOptions options, IProgress<ExportProgress>? progress, CancellationToken cancellationToken)
    {
        var result = await new PhotosExporter(photos, source).ExportAsync(destination, TableFormatOf(options.Format, ExportKind.Photos), options.PhotosByAlbum, progress, cancellationToken).ConfigureAwait(false);
        return new ExportResult(ExportKind.Photos, destination, new Dictionary<string, long>(StringComparer.Ordinal) { ["assets"] = result.Assets, ["copied"] = result.Copied, ["missing"] = result.Missing });
    }

    /// <summary>The format names <c>--format</c> accepts for <paramref name="kind"/>, the default first.</summary>
    public static IReadOnlyList<string> FormatsOf(ExportKind kind) => kind switch
    {
        ExportKind.Messages or ExportKind.WhatsApp => ["html", "txt", "text", "csv", "json", "pdf"],
        ExportKind.Contacts => ["vcf", "vcard"],
        ExportKind.Notes => ["md", "markdown", "txt", "text", "html"],
        ExportKind.Calendar => ["ics"],
        _ => ["csv", "json", "html"],
    };

    private static MessageFormat MessageFormatOf(string? format, ExportKind kind) => format?.ToLowerInvariant() switch
    {
        null or "html" => MessageFormat.Html,
        "txt" or "text" => MessageFormat.Txt,
        "csv" => MessageFormat.Csv,
        "json" => MessageFormat.Json,
        "pdf" => MessageFormat.Pdf,
        var other => throw new ArgumentException($"{kind} export as html, txt, csv, json or pdf, not '{other}'.", nameof(format)),
    };

    private static TableFormat TableFormatOf(string? format, ExportKind kind) => format?.ToLowerInvariant() switch
    {
        null or "csv" => TableFormat.Csv,
        "json" => TableFormat.Json,
        "html" => TableFormat.Html,
        var other => throw new ArgumentException($"{kind} export as csv, json or html, not '{other}'.", nameof(format)),
    };
}
