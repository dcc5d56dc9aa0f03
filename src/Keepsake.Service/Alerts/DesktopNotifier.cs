using System.Diagnostics;

namespace Keepsake.Service.Alerts;

/// <summary>
/// Desktop notifications. On Linux, through the freedesktop notification service on the session D-Bus
/// (<c>org.freedesktop.Notifications.Notify</c>), reached with <c>gdbus</c> when a session bus is there
/// (DBUS_SESSION_BUS_ADDRESS); macOS and Windows are not wired yet (the webhook is the documented fallback).
/// Returns false (nothing shown, nothing failed) where there is no desktop.
/// </summary>
public sealed class DesktopNotifier
{
    public async Task<bool> ShowAsync(string title, string message, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux() || string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS")) || FindOnPath("gdbus") is not { } gdbus)
        {
            return false;
        }

        var start = new ProcessStartInfo(gdbus) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     "call", "--session", "--dest", "org.freedesktop.Notifications", "--object-path", "/org/freedesktop/Notifications",
                     "--method", "org.freedesktop.Notifications.Notify", "Keepsake", "0", "drive-harddisk", title, message, "[]", "{}", "-1",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new IOException("gdbus could not be started.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new IOException($"the desktop notification service refused: {(await error.ConfigureAwait(false)).Trim()}");
        }

        return true;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Where(d => d.Length > 0).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
