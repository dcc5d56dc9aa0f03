using System.Globalization;

namespace Keepsake.Cli.Diagnostics;

/// <summary>
/// The last errors Keepsake reported, one line each (<c>time, exit code, command, message</c>), for
/// <c>keepsake doctor</c>. It lives in the per-user state folder: <c>$XDG_STATE_HOME/keepsake/errors.log</c>
/// (else <c>~/.local/state</c>) on Linux, <c>~/Library/Logs/Keepsake</c> on macOS, <c>%LOCALAPPDATA%\Keepsake\Logs</c>
/// on Windows. It keeps the newest <see cref="MaxEntries"/> lines and is owner-only. The messages are the ones
/// already printed, which never hold a secret; doctor redacts the file again all the same. Writing it is
/// best effort: a full disk or a read-only home never turns into a second error.
/// </summary>
internal static class ErrorLog
{
    public const int MaxEntries = 50;

    public static string Location()
    {
        if (OperatingSystem.IsMacOS())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "Library", "Logs", "Keepsake", "errors.log");
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Keepsake", "Logs", "errors.log");
        }

        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrEmpty(state))
        {
            state = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        }

        return Path.Combine(state, "keepsake", "errors.log");
    }

    /// <summary>Adds one entry (newlines in <paramref name="message"/> become spaces).</summary>
    public static void Append(int exitCode, string command, string message)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(message);
        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ} exit {exitCode} keepsake {command}: {message}")
            .ReplaceLineEndings(" ");
        try
        {
            var path = Location();
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var lines = File.Exists(path) ? File.ReadAllLines(path).ToList() : [];
            lines.Add(line);
            var kept = lines.Skip(Math.Max(0, lines.Count - MaxEntries)).ToList();
            var temporary = path + ".tmp";
            File.WriteAllLines(temporary, kept);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // Best effort (see the summary).
        }
    }

    /// <summary>The entries, oldest first; none when there is no log.</summary>
    public static IReadOnlyList<string> Read()
    {
        try
        {
            var path = Location();
            return File.Exists(path) ? File.ReadAllLines(path) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [$"(the error log could not be read: {e.Message})"];
        }
    }
}
