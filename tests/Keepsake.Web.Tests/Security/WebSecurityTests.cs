using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Keepsake.Web.Tests.Support;

namespace Keepsake.Web.Tests.Security;

/// <summary>
/// The app's defences, checked with requests written byte for byte against the running app: no
/// session means no data, a login link works once, foreign origins and hosts are refused, names cannot
/// leave a snapshot, and the listener is on loopback only.
/// </summary>
[Collection("web")]
public sealed class WebSecurityTests(WebFixture web)
{
    private string Second => web.Vault.Second.Id.ToString();

    [Fact]
    public async Task EveryDataAddress_WithoutASession_Is401AndShowsNoData()
    {
        var smsUrl = $"/s/{Second}/file/HomeDomain/Library/SMS/sms.db";
        string[] targets = ["/", $"/phones/{web.Vault.Udid}", $"/s/{Second}", $"/s/{Second}/messages", $"/s/{Second}/photos", smsUrl, $"/s/{Second}/photo/1/original", $"/s/{Second}/export/contacts/vcf", "/compare"];
        foreach (var target in targets)
        {
            var reply = await RawHttp.SendAsync(web.Host.Address, "GET", target);
            Assert.True(reply.Status == 401, $"{target}: HTTP {reply.Status}");
            Assert.DoesNotContain(web.Vault.Udid, reply.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(web.Vault.SecondPlan.Contacts[0].FullName, reply.Text, StringComparison.Ordinal);
        }

        // A made-up cookie is no better than none.
        var forged = await RawHttp.SendAsync(web.Host.Address, "GET", smsUrl, cookie: "keepsake_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        Assert.Equal(401, forged.Status);

        // With a session the same address gives the phone's own file.
        var cookie = await RawHttp.SignInAsync(web.Host);
        var signedIn = await RawHttp.SendAsync(web.Host.Address, "GET", smsUrl, cookie);
        Assert.Equal(200, signedIn.Status);
        Assert.Equal(File.ReadAllBytes(Path.Combine(web.Vault.PhoneFolder, "HomeDomain", "Library", "SMS", "sms.db")), signedIn.Body);
    }

    [Fact]
    public async Task LoginLink_WorksOnce_AndGivesAnHttpOnlyStrictCookie()
    {
        var link = web.Host.LoginLink();
        Assert.Equal("127.0.0.1", link.Host);
        var first = await RawHttp.SendAsync(web.Host.Address, "GET", link.PathAndQuery);
        Assert.Equal(302, first.Status);
        Assert.Equal("/", first.Header("Location"));
        var cookie = first.Header("Set-Cookie")!;
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(200, (await RawHttp.SendAsync(web.Host.Address, "GET", "/", cookie.Split(';')[0])).Status);

        var again = await RawHttp.SendAsync(web.Host.Address, "GET", link.PathAndQuery);
        Assert.Equal(401, again.Status);
        Assert.Null(again.Header("Set-Cookie"));
        Assert.Equal(401, (await RawHttp.SendAsync(web.Host.Address, "GET", "/login?code=not-a-code")).Status);
    }

    [Fact]
    public async Task CrossOriginPost_IsRefused_AndChangesNothing()
    {
        var cookie = await RawHttp.SignInAsync(web.Host);
        var encrypted = web.Vault.Encrypted!.Id.ToString();
        var form = "password=" + SimulatedVault.BackupPassword + "&return=/";
        var foreign = await RawHttp.SendAsync(web.Host.Address, "POST", $"/s/{encrypted}/unlock", cookie, origin: "http://evil.example", body: form);
        Assert.Equal(403, foreign.Status);
        var noOrigin = await RawHttp.SendAsync(web.Host.Address, "POST", "/logout", cookie, body: "");
        Assert.Equal(403, noOrigin.Status);

        // The refused unlock did not unlock: the encrypted snapshot still asks for its password.
        var page = await RawHttp.SendAsync(web.Host.Address, "GET", $"/s/{encrypted}/messages", cookie);
        Assert.Equal(200, page.Status);
        Assert.Contains("Backup password", page.Text, StringComparison.Ordinal);

        // The same form from the app's own origin is accepted.
        var own = await RawHttp.SendAsync(web.Host.Address, "POST", $"/s/{encrypted}/unlock", cookie, origin: $"http://{web.Host.Address.Authority}", body: form);
        Assert.Equal(303, own.Status);
        Assert.DoesNotContain("Backup password", (await RawHttp.SendAsync(web.Host.Address, "GET", $"/s/{encrypted}/messages", cookie)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForeignHostHeader_IsRefused_EvenWithASession()
    {
        var cookie = await RawHttp.SignInAsync(web.Host);
        foreach (var host in new[] { "evil.example", $"evil.example:{web.Host.Address.Port}", $"127.0.0.1:{web.Host.Address.Port + 1}" })
        {
            var reply = await RawHttp.SendAsync(web.Host.Address, "GET", $"/s/{Second}/messages", cookie, host: host);
            Assert.Equal(421, reply.Status);
        }

        Assert.Equal(200, (await RawHttp.SendAsync(web.Host.Address, "GET", "/", cookie, host: $"localhost:{web.Host.Address.Port}")).Status);
    }

    [Theory]
    [InlineData("/file/HomeDomain/..%2F..%2Fconfig")]
    [InlineData("/file/HomeDomain/Library%2FSMS%2Fsms.db")]
    [InlineData("/file/HomeDomain/%2e%2e/%2e%2e/config")]
    [InlineData("/file/HomeDomain/../../../config")]
    [InlineData("/file/HomeDomain/Library/../../keys")]
    [InlineData("/file/HomeDomain/Library\\..\\..\\config")]
    [InlineData("/file/..%2F..%2F..%2Fetc/passwd")]
    [InlineData("/file/HomeDomain/%2Fetc%2Fpasswd")]
    [InlineData("/files?domain=HomeDomain&path=../../")]
    [InlineData("/files?domain=..%2F..&path=Library")]
    [InlineData("/files?domain=HomeDomain&path=Library/../../..")]
    public async Task PathParameters_CannotLeaveTheSnapshot(string suffix)
    {
        var cookie = await RawHttp.SignInAsync(web.Host);
        var reply = await RawHttp.SendAsync(web.Host.Address, "GET", $"/s/{Second}{suffix}", cookie);
        Assert.True(reply.Status is 400 or 404, $"{suffix}: HTTP {reply.Status}");
        var config = File.ReadAllBytes(web.Vault.Directory.Combine("vault", "config"));
        Assert.False(reply.Body.AsSpan().IndexOf(config) >= 0, "the vault's config was served");
        Assert.DoesNotContain("root:", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listener_IsOnLoopbackOnly()
    {
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(web.Host.Address.Host)));
        var others = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && a.AddressFamily == AddressFamily.InterNetwork)
            .ToList();
        foreach (var address in others)
        {
            using var client = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(address, web.Host.Address.Port));
        }

        // Not on another loopback address either: it is bound to 127.0.0.1 itself, not to all addresses.
        using var other = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => other.ConnectAsync(IPAddress.Parse("127.0.0.2"), web.Host.Address.Port));
    }
}
