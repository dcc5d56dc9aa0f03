using System.Globalization;
using System.Security.Cryptography;
using Keepsake.Plist;
using Keepsake.Primitives;

namespace Keepsake.Device.Simulator.State;

/// <summary>Who the simulated iPhone is: ids, names and its RSA-2048 device key, persisted in the state folder.</summary>
internal sealed class DeviceIdentity
{
    public required string Udid { get; init; }

    public required string SerialNumber { get; init; }

    public required string WiFiAddress { get; init; }

    public required long UniqueChipId { get; init; }

    public required RSA Key { get; init; }

    public string DeviceName { get; init; } = "Keepsake Test iPhone";

    public string ProductType { get; init; } = "iPhone12,1";

    public string ProductVersion { get; init; } = "17.0";

    public string BuildVersion { get; init; } = "21A329";

    /// <summary>The device public key as libimobiledevice needs it: PKCS#1 PEM.</summary>
    public byte[] PublicKeyPem => System.Text.Encoding.ASCII.GetBytes(PemEncoding.WriteString("RSA PUBLIC KEY", Key.ExportRSAPublicKey()) + "\n");

    /// <summary>The identity kept at <paramref name="path"/> (made on first use); <paramref name="deviceName"/> replaces the default name when given.</summary>
    public static DeviceIdentity LoadOrCreate(string path, string? deviceName = null)
    {
        var name = deviceName ?? "Keepsake Test iPhone";
        if (File.Exists(path))
        {
            var plist = PlistReader.Read(File.ReadAllBytes(path)).AsDictionary();
            var key = RSA.Create();
            key.ImportFromPem(System.Text.Encoding.ASCII.GetString(plist.GetData("DeviceKey")!));
            return new DeviceIdentity
            {
                Udid = plist.GetString("Udid")!,
                SerialNumber = plist.GetString("SerialNumber")!,
                WiFiAddress = plist.GetString("WiFiAddress")!,
                UniqueChipId = plist.GetInt64("UniqueChipID") ?? 1,
                Key = key,
                DeviceName = name,
            };
        }

        var bytes = RandomNumberGenerator.GetBytes(16);
        var hex = Convert.ToHexString(bytes);
        var identity = new DeviceIdentity
        {
            Udid = "00008030-" + hex[..16],
            SerialNumber = "F" + hex[16..27],
            WiFiAddress = string.Join(':', bytes.Take(6).Select((b, i) => (i == 0 ? (byte)(b & 0xFC) : b).ToString("x2", CultureInfo.InvariantCulture))),
            UniqueChipId = BitConverter.ToInt64(bytes, 8) & 0x00FFFFFFFFFFFF,
            Key = RSA.Create(2048),
            DeviceName = name,
        };
        var saved = new PlistDictionary
        {
            ["Udid"] = identity.Udid,
            ["SerialNumber"] = identity.SerialNumber,
            ["WiFiAddress"] = identity.WiFiAddress,
            ["UniqueChipID"] = identity.UniqueChipId,
            ["DeviceKey"] = System.Text.Encoding.ASCII.GetBytes(identity.Key.ExportPkcs8PrivateKeyPem()),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        OwnerOnlyFile.WriteAllBytes(path, PlistWriter.ToXml(saved));
        return identity;
    }
}
