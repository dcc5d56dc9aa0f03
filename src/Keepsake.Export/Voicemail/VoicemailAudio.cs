using System.Diagnostics;

namespace Keepsake.Export.Voicemail;

/// <summary>
/// A playable copy of a voicemail's audio. iOS stores voicemail as AMR-NB, which browsers and most players
/// do not open; ffmpeg (when it is on the PATH) decodes it, and the copy is AAC in an <c>.m4a</c> file, which
/// they all play. Without ffmpeg, or when it fails, the original is the only file and the reason is given.
/// The copy is written through a <c>.partial</c> file. See docs/design/exporters.md, "Voicemail".
/// </summary>
internal static class VoicemailAudio
{
    /// <summary>How long one conversion may take before it is given up.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The ffmpeg executable on the PATH, or null.</summary>
    public static string? FindConverter()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Converts <paramref name="original"/> to AAC in <paramref name="playable"/>; null on success, else why not.</summary>
    public static async Task<string?> TryConvertAsync(string converter, string original, string playable, CancellationToken cancellationToken)
    {
        var partial = playable + ".partial";
        var start = new ProcessStartInfo(converter)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-nostdin", "-hide_banner", "-loglevel", "error", "-abort_on", "empty_output", "-y", "-i", original, "-vn", "-c:a", "aac", "-b:a", "32k", "-f", "ipod", partial })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start");
            process.StandardInput.Close();
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                ExportFiles.TryDelete(partial);
                cancellationToken.ThrowIfCancellationRequested();
                return "not converted for playback: ffmpeg took too long";
            }

            await output.ConfigureAwait(false);
            var message = (await errors.ConfigureAwait(false)).Trim();
            if (process.ExitCode != 0 || !File.Exists(partial) || new FileInfo(partial).Length == 0)
            {
                ExportFiles.TryDelete(partial);
                var first = message.Split('\n', 2)[0].Trim();
                return $"not converted for playback: ffmpeg could not decode it{(first.Length > 0 ? $" ({first})" : string.Empty)}";
            }

            ExportFiles.Commit(partial, playable);
            return null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            ExportFiles.TryDelete(partial);
            return $"not converted for playback: {e.Message}";
        }
    }
}
