using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Keepsake.Plist;
using Keepsake.Primitives;

namespace Keepsake.Device.Lockdown;

/// <summary>
/// What a host keeps after pairing with a device (the usbmuxd pair record): ids, PEM certificates,
/// PEM private keys (as <see cref="Secret"/>), the escrow bag and the device's Wi-Fi MAC.
/// </summary>
public sealed class PairRecord
{
    public required string HostId { get; init; }

    public required string SystemBuid { get; init; }

    public required byte[] HostCertificate { get; init; }

    public required Secret HostPrivateKey { get; init; }

    public required byte[] RootCertificate { get; init; }

    public required Secret RootPrivateKey { get; init; }

    public required byte[] DeviceCertificate { get; init; }

    public Secret? EscrowBag { get; init; }

    public string? WiFiMacAddress { get; init; }

    /// <summary>Generates host and root keys and the three certificates for a device public key (PKCS#1 or SPKI PEM).</summary>
    public static PairRecord Generate(string devicePublicKeyPem, string systemBuid)
    {
        ArgumentException.ThrowIfNullOrEmpty(devicePublicKeyPem);
        ArgumentException.ThrowIfNullOrEmpty(systemBuid);
        using var deviceKey = RSA.Create();
        deviceKey.ImportFromPem(devicePublicKeyPem);
        using var rootKey = RSA.Create(2048);
        using var hostKey = RSA.Create(2048);
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-1);
        var notAfter = notBefore.AddYears(10);
        var subject = new X500DistinguishedName(string.Empty);

        var rootRequest = new CertificateRequest(subject, rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var root = rootRequest.CreateSelfSigned(notBefore, notAfter);

        var leafUsage = new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true);
        var hostRequest = new CertificateRequest(subject, hostKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        hostRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        hostRequest.CertificateExtensions.Add(leafUsage);
        using var host = hostRequest.Create(root, notBefore, notAfter, [1]);

        var deviceRequest = new CertificateRequest(subject, deviceKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        deviceRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        deviceRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(deviceRequest.PublicKey, false));
        deviceRequest.CertificateExtensions.Add(leafUsage);
        using var device = deviceRequest.Create(root, notBefore, notAfter, [1]);

        return new PairRecord
        {
            HostId = Guid.NewGuid().ToString("D").ToUpperInvariant(),
            SystemBuid = systemBuid,
            HostCertificate = Encoding.ASCII.GetBytes(host.ExportCertificatePem() + "\n"),
            HostPrivateKey = Secret.FromString(hostKey.ExportPkcs8PrivateKeyPem() + "\n"),
            RootCertificate = Encoding.ASCII.GetBytes(root.ExportCertificatePem() + "\n"),
            RootPrivateKey = Secret.FromString(rootKey.ExportPkcs8PrivateKeyPem() + "\n"),
            DeviceCertificate = Encoding.ASCII.GetBytes(device.ExportCertificatePem() + "\n"),
        };
    }

    /// <summary>Reads a stored pair record (binary or XML plist dictionary).</summary>
    public static PairRecord FromPlist(PlistDictionary plist)
    {
        ArgumentNullException.ThrowIfNull(plist);
        return new PairRecord
        {
            HostId = plist.GetString("HostID") ?? throw Missing("HostID"),
            SystemBuid = plist.GetString("SystemBUID") ?? string.Empty,
            HostCertificate = plist.GetData("HostCertificate") ?? throw Missing("HostCertificate"),
            HostPrivateKey = Secret.FromBytes(plist.GetData("HostPrivateKey") ?? throw Missing("HostPrivateKey")),
            RootCertificate = plist.GetData("RootCertificate") ?? throw Missing("RootCertificate"),
            RootPrivateKey = Secret.FromBytes(plist.GetData("RootPrivateKey") ?? throw Missing("RootPrivateKey")),
            DeviceCertificate = plist.GetData("DeviceCertificate") ?? throw Missing("DeviceCertificate"),
            EscrowBag = plist.GetData("EscrowBag") is { } bag ? Secret.FromBytes(bag) : null,
            WiFiMacAddress = plist.GetString("WiFiMACAddress"),
        };
    }

    /// <summary>The full record as stored (private keys included).</summary>
    public PlistDictionary ToPlist()
    {
        var plist = ToDevicePlist();
        plist["HostPrivateKey"] = HostPrivateKey.RevealUtf8().ToArray();
        plist["RootPrivateKey"] = RootPrivateKey.RevealUtf8().ToArray();
        if (EscrowBag is not null)
        {
            plist["EscrowBag"] = EscrowBag.RevealUtf8().ToArray();
        }

        if (WiFiMacAddress is not null)
        {
            plist["WiFiMACAddress"] = WiFiMacAddress;
        }

        return plist;
    }

    /// <summary>The copy sent to the device in Pair/ValidatePair: no private keys.</summary>
    public PlistDictionary ToDevicePlist() => new()
    {
        ["DeviceCertificate"] = DeviceCertificate,
        ["HostCertificate"] = HostCertificate,
        ["HostID"] = HostId,
        ["RootCertificate"] = RootCertificate,
        ["SystemBUID"] = SystemBuid,
    };

    /// <summary>A copy with the escrow bag and Wi-Fi MAC from the Pair reply.</summary>
    public PairRecord WithPairingResult(byte[]? escrowBag, string? wifiMacAddress) => new()
    {
        HostId = HostId,
        SystemBuid = SystemBuid,
        HostCertificate = HostCertificate,
        HostPrivateKey = HostPrivateKey,
        RootCertificate = RootCertificate,
        RootPrivateKey = RootPrivateKey,
        DeviceCertificate = DeviceCertificate,
        EscrowBag = escrowBag is null ? EscrowBag : Secret.FromBytes(escrowBag),
        WiFiMacAddress = wifiMacAddress ?? WiFiMacAddress,
    };

    /// <summary>The certificate (with private key) presented as TLS client certificate: the root, as libimobiledevice does.</summary>
    public X509Certificate2 LoadTlsClientCertificate()
    {
        using var pem = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(RootCertificate), RootPrivateKey.Reveal());
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The device public key (SubjectPublicKeyInfo key bytes) inside <see cref="DeviceCertificate"/>.</summary>
    public byte[] DevicePublicKey()
    {
        using var cert = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(DeviceCertificate));
        return cert.GetPublicKey();
    }

    private static LockdownException Missing(string key) => new($"The pair record has no {key}; pair the device again.");
}
