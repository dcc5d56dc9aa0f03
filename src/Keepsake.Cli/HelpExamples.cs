namespace Keepsake.Cli;

/// <summary>
/// Two or three examples for each command's help, in one table so that every command has them (a test
/// checks each command of the tree has an entry and that every example parses).
/// </summary>
internal static class HelpExamples
{
    public static readonly IReadOnlyDictionary<string, string[]> ByCommand = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["backup"] = ["keepsake backup", "keepsake backup --udid 00008030-001A2B3C4D5E6F70 --full", "keepsake backup --wifi 192.168.1.23 --mirror ~/MobileSync/Backup"],
        ["verify"] = ["keepsake verify latest", "keepsake verify 4f2a9c1e"],
        ["encryption"] = ["keepsake encryption status", "keepsake encryption on --backup-password-file ~/.config/keepsake/phone-password", "keepsake encryption change"],
        ["devices"] = ["keepsake devices", "keepsake devices --json"],
        ["pair"] = ["keepsake pair", "keepsake pair --udid 00008030-001A2B3C4D5E6F70"],
        ["simulator"] = ["keepsake simulator", "keepsake simulator --phone-size 4GiB --phone-chat-messages 100000 --phone-photos 10000", "keepsake simulator --wifi 127.0.0.2"],
        ["backups"] = ["keepsake backups", "keepsake backups /media/usb/MobileSync/Backup --json"],
        ["info"] = ["keepsake info latest", "keepsake info ~/Library/Application\\ Support/MobileSync/Backup/00008030-001A2B3C4D5E6F70 --json"],
        ["ls"] = ["keepsake ls latest", "keepsake ls latest --domain HomeDomain Library/SMS", "keepsake ls ./backup --json"],
        ["extract"] = ["keepsake extract latest ./out", "keepsake extract latest ./out --domain HomeDomain --path Library/SMS/sms.db"],
        ["export"] = ["keepsake export messages latest ./messages", "keepsake export messages latest ./messages --format pdf --from 2024-01-01 --time-zone Europe/Berlin", "keepsake export photos ./backup ./photos --by-album"],
        ["storage"] = ["keepsake storage latest", "keepsake storage ./backup --top 20 --json"],
        ["init"] = ["keepsake init", "keepsake init --vault /media/usb/keepsake"],
        ["import"] = ["keepsake import ~/Library/Application\\ Support/MobileSync/Backup/*", "keepsake import ./backup --vault /media/usb/keepsake"],
        ["snapshots"] = ["keepsake snapshots", "keepsake snapshots --json"],
        ["restore"] = ["keepsake restore latest --to-folder ./restored", "keepsake restore 4f2a9c1e --to-device --udid 00008030-001A2B3C4D5E6F70"],
        ["diff"] = ["keepsake diff 4f2a9c1e latest", "keepsake diff 4f2a9c1e 7b3d0e2f --json", "keepsake diff --data 4f2a9c1e latest --kind messages"],
        ["index"] = ["keepsake index", "keepsake index --delete"],
        ["search"] = ["keepsake search flat --kind messages --from 2024-03-01", "keepsake search 東京 --json"],
        ["recover"] = ["keepsake recover messages", "keepsake recover messages --since 2024-03-01 --json"],
        ["show"] = ["keepsake show message:5F1C0B6E-8A2D-4E4B-9C3A-1D2E3F405162", "keepsake show note:ED99B707-E353-401A-AAA8-5610066BD280 --context 2"],
        ["check"] = ["keepsake check", "keepsake check --read-data"],
        ["forget"] = ["keepsake forget --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --dry-run", "keepsake forget --keep-last 10 --prune"],
        ["prune"] = ["keepsake prune", "keepsake prune --vault /media/usb/keepsake"],
        ["copy"] = ["keepsake copy --to /media/usb/keepsake", "keepsake copy latest --to /media/usb/keepsake"],
        ["repair"] = ["keepsake repair index", "keepsake repair snapshots --dry-run", "keepsake repair snapshots --forget"],
        ["repair index"] = ["keepsake repair index", "keepsake repair index --vault /media/usb/keepsake"],
        ["repair snapshots"] = ["keepsake repair snapshots --dry-run", "keepsake repair snapshots --forget"],
        ["doctor"] = ["keepsake doctor", "keepsake doctor --output - --wifi 192.168.1.23"],
        ["ui"] = ["keepsake ui", "keepsake ui --no-open", "keepsake ui --port 7467 --no-open"],
        ["help"] = ["keepsake help exit-codes", "keepsake help backup"],
        ["service"] = ["keepsake service install", "keepsake service status", "keepsake service uninstall"],
        ["service install"] = ["keepsake service install", "keepsake service install --vault-password-file ~/.config/keepsake/vault-password --no-start"],
        ["service uninstall"] = ["keepsake service uninstall"],
        ["service status"] = ["keepsake service status"],
        ["status"] = ["keepsake status", "keepsake service status"],
        ["serve"] = ["keepsake serve", "keepsake serve --listen 127.0.0.1:8080 --vault-password-file ~/.config/keepsake/vault-password"],
        ["key"] = ["keepsake key list", "keepsake key add --new-password-file ~/.config/keepsake/second-password", "keepsake key passwd"],
        ["key list"] = ["keepsake key list", "keepsake key list --json"],
        ["key add"] = ["keepsake key add", "keepsake key add --new-password-file ~/.config/keepsake/second-password"],
        ["key remove"] = ["keepsake key remove 4f2a9c1e", "keepsake key remove 4f2a --vault /media/usb/keepsake"],
        ["key passwd"] = ["keepsake key passwd", "keepsake key passwd --new-password-file ~/.config/keepsake/new-password"],
        ["unlock"] = ["keepsake unlock", "keepsake unlock --remove-all"],
    };

    /// <summary>The help section for <paramref name="command"/>, or empty when it has no examples.</summary>
    public static string Section(string command) =>
        ByCommand.TryGetValue(command, out var examples)
            ? Environment.NewLine + Environment.NewLine + "Examples:" + string.Concat(examples.Select(e => Environment.NewLine + "  " + e))
            : string.Empty;
}
