using Keepsake.BackupFormat;
using Keepsake.Export.Contacts;
using Keepsake.Export.Databases;
using Keepsake.Export.Messages;
using Keepsake.Plist;
using Keepsake.Primitives;

namespace Keepsake.Export.Voicemail;

/// <summary>
/// Exports visual voicemail: a table (<c>voicemail.csv/json/html</c>) with sender, name, date
/// (Unix seconds), duration, trashed state and transcript, plus the audio files
/// (<c>Library/Voicemail/&lt;ROWID&gt;.amr</c>) copied as <c>voicemail/&lt;date&gt; &lt;sender&gt;.amr</c>
/// when a backup is given, each with a playable <c>.m4a</c> copy beside it when ffmpeg is on the PATH
/// (<see cref="VoicemailAudio"/>). See docs/design/exporters.md, "Voicemail".
/// </summary>
public sealed class VoicemailExporter
{
    public const string Domain = "HomeDomain";

    public const string Path = "Library/Voicemail/voicemail.db";

    private static readonly string[] Columns = ["id", "date", "sender", "name", "callback_number", "receiver", "duration_seconds", "trashed", "trashed_date", "transcript", "audio_file", "missing_reason", "playable_audio_file", "playable_note"];

    private readonly DatabaseFile _database;
    private readonly IBackupFileSource? _source;
    private readonly ContactNames _contacts;

    public VoicemailExporter(DatabaseFile database, IBackupFileSource? source = null, ContactNames? contacts = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _source = source;
        _contacts = contacts ?? ContactNames.Empty;
        if (!database.Schema.HasTable("voicemail"))
        {
            throw new ExportException("has no voicemail table: not a voicemail.db", database.Description);
        }
    }

    /// <summary>Writes the table and audio files; returns (voicemails, audio files copied, playable copies made).</summary>
    public async Task<(long Voicemails, int AudioCopied, int AudioConverted)> ExportAsync(string destination, TableFormat format, TimeZoneInfo? zone = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        zone ??= TimeZoneInfo.Utc;
        Directory.CreateDirectory(destination);
        var root = new SafePath(destination);
        var schema = _database.Schema;
        using var writer = new TableWriter(root.ResolveNoFollow($"voicemail.{TableWriter.Extension(format)}"), format, "Voicemail", Columns, zone);
        using var command = _database.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT v.ROWID, {schema.Select("voicemail", "v", "date")}, {schema.Select("voicemail", "v", "sender")}, {schema.Select("voicemail", "v", "callback_num")},
                   {schema.Select("voicemail", "v", "receiver")}, {schema.Select("voicemail", "v", "duration")}, {schema.Select("voicemail", "v", "trashed_date")}
            FROM voicemail v ORDER BY v.date, v.ROWID
            """;
        using var reader = command.ExecuteReader();
        var copied = 0;
        var converted = 0;
        var converter = _source is null ? null : VoicemailAudio.FindConverter();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = reader.GetInt64(0);
            var date = AppleTime.FromUnix(MessageReader.Double(reader, 1));
            var sender = MessageReader.Text(reader, 2);
            var trashedRaw = MessageReader.Double(reader, 6);
            var trashed = double.IsFinite(trashedRaw) && trashedRaw != 0 ? AppleTime.FromCoreData(trashedRaw) : null;
            string? audio = null, missing = null, transcript = null, playable = null, playableNote = null;
            if (_source is null)
            {
                missing = "loose database: audio files are not available";
            }
            else
            {
                transcript = ReadTranscript(id);
                var entry = _source.FindEntry(Domain, $"Library/Voicemail/{id}.amr");
                if (entry is not { Kind: BackupEntryKind.File })
                {
                    missing = "not in the backup";
                }
                else
                {
                    var stamp = date is { } d ? TimeZoneInfo.ConvertTime(d, zone).ToString("yyyy-MM-dd HHmmss", System.Globalization.CultureInfo.InvariantCulture) : "undated";
                    audio = $"voicemail/{stamp} {ExportFiles.SafeSegment(sender, "unknown", 40)} [{id}].amr";
                    var target = root.ResolveNoFollow(audio);
                    Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                    var partial = target + ".partial";
                    try
                    {
                        ExportFiles.TryDelete(partial);
                        await DatabaseFile.CopyEntryAsync(_source, entry, partial, cancellationToken).ConfigureAwait(false);
                        ExportFiles.Commit(partial, target);
                        if (date is { } when)
                        {
                            File.SetLastWriteTimeUtc(target, when.UtcDateTime);
                        }

                        copied++;
                        if (converter is null)
                        {
                            playableNote = "not converted for playback: ffmpeg is not installed; the .amr original plays in VLC or QuickTime";
                        }
                        else
                        {
                            var candidate = audio[..^".amr".Length] + ".m4a";
                            playableNote = await VoicemailAudio.TryConvertAsync(converter, target, root.ResolveNoFollow(candidate), cancellationToken).ConfigureAwait(false);
                            if (playableNote is null)
                            {
                                playable = candidate;
                                converted++;
                            }
                        }
                    }
                    catch (BackupFormatException ex) when (ex.Error == BackupFormatError.MissingBlob)
                    {
                        ExportFiles.TryDelete(partial);
                        (audio, missing) = (null, "listed in the backup but its file is absent");
                    }
                }
            }

            writer.Write(id, date, sender, _contacts.Find(sender), MessageReader.Text(reader, 3), MessageReader.Text(reader, 4),
                reader.IsDBNull(5) ? null : MessageReader.Long(reader, 5), trashed is not null, trashed, transcript, audio, missing, playable, playableNote);
        }

        writer.Commit();
        return (writer.Rows, copied, converted);
    }

    private string? ReadTranscript(long id)
    {
        var entry = _source!.FindEntry(Domain, $"Library/Voicemail/{id}.transcript");
        if (entry is not { Kind: BackupEntryKind.File } || entry.Size > 16 * 1024 * 1024)
        {
            return null;
        }

        try
        {
            using var stream = _source.OpenRead(entry);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return PlistReader.Read(buffer.ToArray()) is PlistDictionary d ? d.GetString("transcriptionString") : null;
        }
        catch (Exception ex) when (ex is PlistFormatException or BackupFormatException or InvalidCastException)
        {
            return null;
        }
    }
}
