using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Keepsake.Service;
using Keepsake.Service.Runtime;
using Keepsake.Service.Security;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake status</c>: what the service did and will do, at a glance: whether it runs (from its runtime file),
/// then each phone with its last success, last attempt and reason, and next due time (from the API).
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show what the service did and will do: each phone's last backup, last attempt and reason, next due.");
        command.SetAction((parse, cancellationToken) => PrintAsync(Console.Out, cancellationToken));
        return command;
    }

    public static async Task<int> PrintAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var paths = new ServicePaths(DeviceAccess.DataFolder());
        if (RuntimeFile.TryRead(paths.RuntimeFile) is not { } runtime || !IsRunning(runtime.ProcessId))
        {
            output.WriteLine("service: not running (start it with 'keepsake serve' or install it with 'keepsake service install').");
            return ExitCodes.Success;
        }

        output.WriteLine($"service: running (pid {runtime.ProcessId}) since {runtime.Started.ToUniversalTime():yyyy-MM-dd HH:mm} UTC, API {runtime.Address}api/v1/");
        using var client = new HttpClient { BaseAddress = runtime.Address, Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/devices");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServiceToken.Read(runtime.TokenFile));
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            output.WriteLine($"the service answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            return ExitCodes.Failure;
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var table = new TextTable("PHONE", "UDID", "CONNECTED", "LAST BACKUP", "LAST ATTEMPT", "NEXT DUE");
        foreach (var d in json.RootElement.GetProperty("devices").EnumerateArray())
        {
            var attempt = Time(d, "lastAttempt");
            if (d.TryGetProperty("lastReason", out var reason) && reason.ValueKind == JsonValueKind.String)
            {
                attempt += $" ({reason.GetString()})";
            }

            table.Add(Text(d, "name") ?? "", Text(d, "udid") ?? "", d.GetProperty("backingUp").GetBoolean() ? "backing up" : d.GetProperty("connected").GetBoolean() ? "yes" : "no",
                Time(d, "lastSuccess"), attempt, Time(d, "nextDue"));
        }

        table.Write(output);
        foreach (var d in json.RootElement.GetProperty("devices").EnumerateArray().Where(d => Text(d, "lastMessage") is not null))
        {
            output.WriteLine($"{Text(d, "name") ?? Text(d, "udid")}: {Text(d, "lastMessage")}");
        }

        return ExitCodes.Success;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Time(JsonElement e, string name) =>
        Text(e, name) is { } t ? DateTimeOffset.Parse(t, CultureInfo.InvariantCulture).ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";
}
