using Keepsake.Cli.Diagnostics;

namespace Keepsake.Cli.Tests.Diagnostics;

public sealed class RedactorTests
{
    [Fact]
    public void Redact_KnownSecretValue_IsReplacedWherePrinted()
    {
        var redactor = new Redactor(["correct horse battery"]);

        var text = redactor.Redact("open failed: wrong password 'correct horse battery' for vault");

        Assert.Equal("open failed: wrong password '**redacted**' for vault", text);
    }

    [Fact]
    public void Redact_PemBlock_IsReplacedWhole()
    {
        var text = new Redactor([]).Redact("key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----\ndone");

        Assert.Equal("key:\n**redacted**\ndone", text);
    }

    [Fact]
    public void Redact_UrlCredentialsAndSecretAssignments_AreReplaced()
    {
        var text = new Redactor([]).Redact("GET https://alice:s3cr3t@host/b?X-Amz-Signature=abc123&x=1 password: hunter2");

        Assert.DoesNotContain("s3cr3t", text, StringComparison.Ordinal);
        Assert.DoesNotContain("abc123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains("https://**redacted**@host/b", text, StringComparison.Ordinal);
        Assert.Contains("&x=1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_RandomLookingBase64Key_IsReplaced()
    {
        var key = Convert.ToBase64String(Enumerable.Range(0, 48).Select(i => (byte)(i * 37 + 11)).ToArray());

        Assert.Equal("escrow **redacted** end", new Redactor([]).Redact($"escrow {key} end"));
    }

    [Theory]
    [InlineData("device 00008030-001A2B3C4D5E6F70: USB")]
    [InlineData("device 3d0d7e5fb2ce288813306e4d4636395e047a3d28: USB")]
    [InlineData("folder /var/lib/lockdown/SystemConfiguration/abcdefghijklmnopqrstuvwxyz/ok")]
    [InlineData("version: keepsake 0.1.0 (commit 2faec29f221f)")]
    public void Redact_UdidsPathsAndVersions_AreKept(string line)
    {
        Assert.Equal(line, new Redactor([]).Redact(line));
    }

    [Theory]
    [InlineData("KEEPSAKE_PASSWORD", true)]
    [InlineData("AWS_SECRET_ACCESS_KEY", true)]
    [InlineData("AWS_SESSION_TOKEN", true)]
    [InlineData("KEEPSAKE_VAULT", false)]
    [InlineData("USBMUXD_SOCKET_ADDRESS", false)]
    public void IsSecretName_Names_AreClassified(string name, bool secret)
    {
        Assert.Equal(secret, Redactor.IsSecretName(name));
    }

    [Fact]
    public void Constructor_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new Redactor(null!));
    }
}
