using System.CommandLine;
using Keepsake.Primitives;
using Keepsake.Service;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Keepsake.Cli.Commands;

/// <summary>
/// <c>keepsake serve [--listen 127.0.0.1:PORT]</c>: the long-running service. It backs up phones as they
/// appear and serves the local JSON API (docs/design/service.md). The vault password is read once at start
/// (KEEPSAKE_PASSWORD or --password-file; a terminal prompt only when run by hand) and kept in memory.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var listen = new Option<string?>("--listen")
        {
            Description = $"Where the API listens: a loopback address and port (default 127.0.0.1:{ServeOptions.DefaultPort}); other addresses are refused.",
            HelpName = "ADDRESS",
        };
        var passwordFile = CommonOptions.VaultPasswordFile();
        var command = new Command("serve", "Run the service: back up phones when they appear, as scheduled, and serve the local API.")
        {
            listen, passwordFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var endPoint = ParseListen(parse.GetValue(listen));
            var vault = VaultAccess.From(parse, parse.GetValue(passwordFile));
            using var password = vault.Password(confirm: false);
            var options = new ServeOptions
            {
                DataFolder = DeviceAccess.DataFolder(),
                Listen = endPoint,
                Vault = new VaultConnection(vault.Location, ct => OpenOrCreateAsync(vault, password, ct)),
                WorkingRoot = DeviceAccess.WorkingRoot(),
            };
            await using var app = ServeHost.Build(options, ServeExtensions.All);
            await app.StartAsync(cancellationToken);
            Console.WriteLine($"Keepsake service listening on {Service.Runtime.RuntimeFile.AddressOf(ServeHost.ListeningAddress(app))}api/v1/");
            Console.WriteLine($"API token (send as 'Authorization: Bearer <token>'): {options.Paths.TokenFile}");
            Console.WriteLine($"Vault: {vault.Location}");
            try
            {
                await app.WaitForShutdownAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // SIGTERM/SIGINT: stop cleanly below.
            }

            await app.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        });
        return command;
    }

    private static System.Net.IPEndPoint ParseListen(string? value)
    {
        if (value is null)
        {
            return new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, ServeOptions.DefaultPort);
        }

        try
        {
            return ListenAddress.Parse(value);
        }
        catch (ServeConfigurationException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static async Task<Repository.Repository> OpenOrCreateAsync(VaultAccess vault, Secret password, CancellationToken cancellationToken)
    {
        if (await vault.ExistsAsync(cancellationToken))
        {
            return await Repository.Repository.OpenAsync(vault.Backend(), password, cancellationToken: cancellationToken);
        }

        return await vault.CreateAsync(Secret.FromBytes(password.RevealUtf8()), null, cancellationToken);
    }
}
