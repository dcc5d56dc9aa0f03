using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Keepsake.Primitives;
using Keepsake.Repository;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Crypto;
using Keepsake.Service;
using Keepsake.Service.Security;
using Keepsake.TestKit;
using Keepsake.Web.Tests.Support;

namespace Keepsake.Web.Tests.Service;

/// <summary>
/// The web app inside <c>keepsake serve</c> (through its extension point), over the same vault: a login
/// link only for the bearer-token holder, the pages behind the session cookie, and the service's CSRF
/// check in front of the app's forms.
/// </summary>
[Collection("web")]
public sealed class WebServeExtensionTests(WebFixture web)
{
    [Fact(Skip = "Hangs after the bearer-token login link was granted (last run timed out at 5 min); not yet diagnosed.")]
    public async Task Serve_WithTheWebExtension_GivesALoginLinkToTheTokenHolderOnly_ThenThePages()
    {
        using var dir = new TempDirectory("keepsake-web-serve");
        var vaultPath = web.Vault.Directory.Combine("vault");
        var options = new ServeOptions
        {
            DataFolder = dir.Combine("data"),
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            Vault = new VaultConnection(vaultPath, async ct =>
            {
                using var password = Secret.FromString("vault");
                return await Repository.Repository.OpenAsync(new LocalBackend(vaultPath), password, new RepositoryOptions { KdfParameters = KdfParameters.Fast, Hostname = "test-host" }, ct);
            }),
            ConfigPath = dir.Combine("config", "config.json"),
            UsbmuxEndPoint = new UnixDomainSocketEndPoint(dir.Combine("usbmuxd.sock")),
        };
        await using var app = ServeHost.Build(options, [new WebServeExtension()]);
        await app.StartAsync();
        try
        {
            var address = new Uri($"http://{ServeHost.ListeningAddress(app)}/");
            var token = ServiceToken.Read(options.Paths.TokenFile);

            // Without the token: refused (the service's CSRF check answers first, 403, for a POST with no bearer).
            Assert.True((await RawHttp.SendAsync(address, "POST", WebServeExtension.LoginCodePath, body: "")).Status is 401 or 403);
            Assert.Equal(401, (await RawHttp.SendAsync(address, "GET", "/")).Status);

            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = address };
            using var ask = new HttpRequestMessage(HttpMethod.Post, WebServeExtension.LoginCodePath);
            ask.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answer = await http.SendAsync(ask);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            var link = new Uri(json.RootElement.GetProperty("url").GetString()!);
            Assert.Equal(address.Authority, link.Authority);
            Assert.DoesNotContain(token, link.AbsoluteUri, StringComparison.Ordinal);

            var login = await RawHttp.SendAsync(address, "GET", link.PathAndQuery);
            Assert.Equal(302, login.Status);
            var cookie = login.Header("Set-Cookie")!.Split(';')[0];
            var home = await RawHttp.SendAsync(address, "GET", "/", cookie);
            Assert.Equal(200, home.Status);
            Assert.Contains(web.Vault.Udid, home.Text, StringComparison.Ordinal);
            var messages = await RawHttp.SendAsync(address, "GET", $"/s/{web.Vault.Second.Id}/messages", cookie);
            Assert.Equal(200, messages.Status);
            Assert.Contains(web.Vault.SecondPlan.ContactName(web.Vault.SecondPlan.Conversations.First(c => !c.IsGroup).ContactIds[0])!, messages.Text, StringComparison.Ordinal);

            // The service's CSRF check: a form post without its antiforgery token is refused even from the app's origin.
            var post = await RawHttp.SendAsync(address, "POST", $"/s/{web.Vault.Encrypted!.Id}/unlock", cookie, origin: $"http://{address.Authority}", body: "password=x&return=/");
            Assert.Equal(403, post.Status);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
