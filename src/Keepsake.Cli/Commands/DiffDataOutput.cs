using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Keepsake.Engine.Vault;
using Keepsake.Export.History;
using Keepsake.Repository.Snapshots;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake diff --data A B</c>: opens both snapshots' backups, compares them with
/// <see cref="BackupDataDiff"/> and prints the result as text or as JSON (docs/schemas/diff-data.schema.json).
/// </summary>
internal static class DiffDataOutput
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The kinds named by --kind (repeated or comma-separated), or null when none is.</summary>
    public static IReadOnlyList<DataKind>? ParseKinds(string[]? values)
    {
        if (values is null || values.Length == 0)
        {
            return null;
        }

        var result = new List<DataKind>();
        foreach (var name in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Enum.TryParse<DataKind>(name, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || char.IsDigit(name[0]))
            {
                throw new UsageException($"--kind '{name}' is not a kind of data: use {string.Join(", ", BackupDataDiff.AllKinds.Select(Name))}.");
            }

            result.Add(kind);
        }

        return result;
    }

    public static async Task<int> RunAsync(Repository.Repository repository, Snapshot a, Snapshot b, IReadOnlyList<DataKind>? kinds, FileInfo? backupPasswordFile, bool json, CancellationToken cancellationToken)
    {
        if (!AppleBackupTags.IsAppleBackup(a) || !AppleBackupTags.IsAppleBackup(b))
        {
            throw new UsageException("--data compares the data of two phone backups: one of these snapshots holds no Apple backup.");
        }

        var encrypted = SnapshotBackupSource.ReadProperties(repository, a).IsEncrypted || SnapshotBackupSource.ReadProperties(repository, b).IsEncrypted;
        using var password = encrypted ? BackupSourceOpener.BackupPassword(backupPasswordFile) : null;
        if (encrypted)
        {
            OwnerOnlyOutput.Apply();
        }

        using var older = SnapshotBackupSource.ReadProperties(repository, a).IsEncrypted ? SnapshotBackupSource.Open(repository, a, password, cancellationToken) : SnapshotBackupSource.Open(repository, a);
        using var newer = SnapshotBackupSource.ReadProperties(repository, b).IsEncrypted ? SnapshotBackupSource.Open(repository, b, password, cancellationToken) : SnapshotBackupSource.Open(repository, b);
        var diff = await BackupDataDiff.CompareAsync(older, newer, kinds, cancellationToken);
        if (json)
        {
            WriteJson(a, b, diff);
        }
        else
        {
            WriteText(diff);
        }

        return ExitCodes.Success;
    }

    private static string Name(DataKind kind) => kind.ToString().ToLowerInvariant();

    private static string Date(DateTimeOffset? date) =>
        date?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "(no date)";

    private static void WriteText(BackupDataDiff diff)
    {
        foreach (var kind in diff.Kinds)
        {
            var title = kind.Kind.ToString();
            if (!kind.InOlder && !kind.InNewer)
            {
                Console.WriteLine($"{title}: in neither backup.");
                continue;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{title}: {kind.Added.Count} added, {kind.Deleted.Count} deleted, {kind.Changed.Count} changed{(kind.InOlder ? string.Empty : " (not in the older backup)")}{(kind.InNewer ? string.Empty : " (not in the newer backup)")}"));
            foreach (var item in kind.Added)
            {
                Console.WriteLine("+  " + Line(item));
            }

            foreach (var item in kind.Deleted)
            {
                Console.WriteLine("-  " + Line(item));
            }

            foreach (var change in kind.Changed)
            {
                Console.WriteLine($"M  {Line(change.Item)}; changed: {string.Join(", ", change.ChangedFields)}");
            }
        }
    }

    private static string Line(DataItem item) => item.Kind == DataKind.Messages
        ? $"{Date(item.Date)}  {item.Title}  {item.Sender}: {OneLine(item.Text)}"
        : $"{Date(item.Date)}  {item.Title}{(item.Text.Length > 0 ? "  " + OneLine(item.Text) : string.Empty)}";

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > 200 ? line[..200] + "…" : line;
    }

    private static void WriteJson(Snapshot a, Snapshot b, BackupDataDiff diff)
    {
        using var stream = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            w.WriteStartObject();
            w.WriteString("from", a.Id.ToString());
            w.WriteString("to", b.Id.ToString());
            w.WriteStartObject("kinds");
            foreach (var kind in diff.Kinds)
            {
                w.WriteStartObject(Name(kind.Kind));
                w.WriteBoolean("inFrom", kind.InOlder);
                w.WriteBoolean("inTo", kind.InNewer);
                w.WriteStartArray("added");
                foreach (var item in kind.Added)
                {
                    WriteItem(w, item);
                }

                w.WriteEndArray();
                w.WriteStartArray("deleted");
                foreach (var item in kind.Deleted)
                {
                    WriteItem(w, item);
                }

                w.WriteEndArray();
                w.WriteStartArray("changed");
                foreach (var change in kind.Changed)
                {
                    w.WriteStartObject();
                    w.WritePropertyName("item");
                    WriteItem(w, change.Item);
                    w.WriteStartArray("fields");
                    foreach (var field in change.ChangedFields)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", field);
                        w.WriteString("before", change.Previous.Fields.GetValueOrDefault(field) ?? string.Empty);
                        w.WriteString("after", change.Item.Fields.GetValueOrDefault(field) ?? string.Empty);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        stream.Write("\n"u8);
    }

    private static void WriteItem(Utf8JsonWriter w, DataItem item)
    {
        w.WriteStartObject();
        w.WriteString("id", item.Id);
        if (item.Kind == DataKind.Messages)
        {
            w.WriteString("guid", item.Id["message:".Length..]);
            w.WriteString("chat", item.Title);
            w.WriteString("sender", item.Sender);
        }
        else
        {
            w.WriteString("title", item.Title);
        }

        if (item.Date is { } date)
        {
            w.WriteDate("date", date);
        }
        else
        {
            w.WriteNull("date");
        }

        w.WriteString("text", item.Text);
        w.WriteEndObject();
    }
}
