using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Keepsake.Primitives;
using Keepsake.Web;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake ui [--no-open] [--port N]</c>: serves the web app on 127.0.0.1 and prints a one-time login
/// link (it works once, for about a minute); without <c>--no-open</c> the browser is opened on it through
/// an owner-only redirect file, so the link's code never appears in another process's command line.
/// Runs until Ctrl+C; Enter prints a fresh link.
/// </summary>
internal static class UiCommand
{
    public static Command Create()
    {
        var noOpen = new Option<bool>("--no-open") { Description = "Only print the one-time login link; do not open a browser." };
        var port = new Option<int>("--port")
        {
            Description = "The port on 127.0.0.1 to listen on (default: a free one).",
            DefaultValueFactory = _ => 0,
            HelpName = "PORT",
        };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError("--port is a number from 1 to 65535.");
            }
        });
        var passwordFile = CommonOptions.VaultPasswordFile();
        var command = new Command("ui", "Open Keepsake's web app in the browser: every backup, its messages, photos and files, on this computer only (127.0.0.1).")
        {
            noOpen, port, passwordFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await FromRunningServiceAsync(cancellationToken) is { } serviceLink)
            {
                Console.WriteLine($"The Keepsake service is running; its web app is at {new Uri(serviceLink, "/")}.");
                Console.WriteLine($"Sign in with this link within a minute (it works once): {serviceLink}");
                if (!parse.GetValue(noOpen))
                {
                    OpenBrowser(serviceLink);
                }

                return ExitCodes.Success;
            }

            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var repository = await vault.OpenAsync(cancellationToken);
            await using var host = await LocalWebHost.StartAsync(repository, parse.GetValue(port), cancellationToken: cancellationToken);
            Console.WriteLine($"Keepsake's web app is at {host.Address} (this computer only). Press Ctrl+C to stop it.");
            var link = host.LoginLink();
            Console.WriteLine($"Sign in with this link within a minute (it works once): {link}");
            if (!parse.GetValue(noOpen))
            {
                OpenBrowser(link);
            }

            Console.WriteLine("Press Enter for a new link.");
            _ = Task.Run(() =>
            {
                while (!cancellationToken.IsCancellationRequested && Console.In.ReadLine() is not null)
                {
                    Console.WriteLine($"Sign in with this link within a minute (it works once): {host.LoginLink()}");
                }
            }, cancellationToken);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// A login link from the service running for this user (found through its runtime file, asked with
    /// the bearer token from its owner-only token file), or null when none answers.
    /// </summary>
    private static async Task<Uri?> FromRunningServiceAsync(CancellationToken cancellationToken)
    {
        var paths = new Service.ServicePaths(DeviceAccess.DataFolder());
        if (Service.Runtime.RuntimeFile.TryRead(paths.RuntimeFile) is not { } runtime || !File.Exists(runtime.TokenFile))
        {
            return null;
        }

        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(runtime.Address, WebServeExtension.LoginCodePath));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Service.Security.ServiceToken.Read(runtime.TokenFile));
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return new Uri(json.RootElement.GetProperty("url").GetString()!);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or KeyNotFoundException or UriFormatException)
        {
            return null;
        }
    }

    /// <summary>Opens the system browser on an owner-only page that forwards to <paramref name="link"/>.</summary>
    private static void OpenBrowser(Uri link)
    {
        string path;
        using (var file = RunTemp.CreateFile("login", ".html", out path))
        using (var writer = new StreamWriter(file))
        {
            var escaped = System.Net.WebUtility.HtmlEncode(link.AbsoluteUri);
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"<!DOCTYPE html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url={escaped}\"><title>Keepsake</title><a href=\"{escaped}\">Open Keepsake</a>"));
        }

        var opener = OperatingSystem.IsMacOS() ? "open" : OperatingSystem.IsWindows() ? "explorer" : "xdg-open";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(opener, new Uri(path).AbsoluteUri) { UseShellExecute = false });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine("Could not open a browser; open the link above yourself.");
        }
    }
}
