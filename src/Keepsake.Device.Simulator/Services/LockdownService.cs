using System.Security.Cryptography;
using Keepsake.Device.Lockdown;
using Keepsake.Device.Services.Afc;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Transport;
using Keepsake.Plist;

namespace Keepsake.Device.Simulator.Services;

/// <summary>
/// The simulated lockdownd on port 62078: QueryType, GetValue, SetValue, Pair, ValidatePair,
/// Unpair, StartSession (TLS server), StopSession, StartService, Goodbye. Every reply echoes Request.
/// </summary>
internal sealed class LockdownService(SimulatedDevice device) : IDeviceService
{
    private readonly Lock _lock = new();
    private bool _wifiConnections;

    public async Task ServeAsync(Stream stream, CancellationToken cancellationToken)
    {
        var connection = new ServiceConnection(stream) { ReceiveTimeout = TimeSpan.FromMinutes(5) };
        await using var connectionScope = connection.ConfigureAwait(false);
        string? sessionHostId = null;
        while (true)
        {
            if (await connection.ReceivePlistOrEndAsync(cancellationToken).ConfigureAwait(false) is not PlistDictionary request)
            {
                return;
            }

            var verb = request.GetString("Request") ?? string.Empty;
            var reply = new PlistDictionary { ["Request"] = verb };
            switch (verb)
            {
                case "QueryType":
                    reply["Type"] = LockdownClient.ServiceType;
                    break;
                case "GetValue":
                    GetValue(request, reply);
                    break;
                case "SetValue":
                    if (request.GetString("Domain") == "com.apple.mobile.wireless_lockdown" && request.GetString("Key") == "EnableWifiConnections")
                    {
                        _wifiConnections = request.GetBoolean("Value") == true;
                    }

                    break;
                case "RemoveValue":
                    break;
                case "Pair":
                    Pair(request, reply);
                    break;
                case "ValidatePair":
                    if (request.GetDictionary("PairRecord")?.GetString("HostID") is not { } validateId || !device.State.IsPaired(validateId))
                    {
                        Fail(reply, LockdownError.InvalidHostID);
                    }

                    break;
                case "Unpair":
                    if (request.GetDictionary("PairRecord")?.GetString("HostID") is { } unpairId)
                    {
                        device.State.RemovePairing(unpairId);
                    }

                    break;
                case "StartSession":
                    var hostId = request.GetString("HostID");
                    if (hostId is null || !device.State.IsPaired(hostId))
                    {
                        Fail(reply, LockdownError.InvalidHostID);
                        break;
                    }

                    reply["SessionID"] = Guid.NewGuid().ToString("D").ToUpperInvariant();
                    reply["EnableSessionSSL"] = true;
                    await connection.SendPlistAsync(reply, ServicePlistFormat.Xml, cancellationToken).ConfigureAwait(false);
                    await connection.StartServerTlsAsync(device.TlsCertificate, cancellationToken).ConfigureAwait(false);
                    sessionHostId = hostId;
                    continue;
                case "StopSession":
                    await connection.SendPlistAsync(reply, ServicePlistFormat.Xml, cancellationToken).ConfigureAwait(false);
                    await connection.StopServerTlsAsync(cancellationToken).ConfigureAwait(false);
                    sessionHostId = null;
                    continue;
                case "StartService":
                    StartService(request, reply, sessionHostId);
                    break;
                case "Goodbye":
                    await connection.SendPlistAsync(reply, ServicePlistFormat.Xml, cancellationToken).ConfigureAwait(false);
                    return;
                default:
                    reply["Error"] = "InvalidRequest";
                    break;
            }

            await connection.SendPlistAsync(reply, ServicePlistFormat.Xml, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Fail(PlistDictionary reply, LockdownError error) => reply["Error"] = error.ToString();

    private void GetValue(PlistDictionary request, PlistDictionary reply)
    {
        var domain = request.GetString("Domain");
        var key = request.GetString("Key");
        if (domain is not null)
        {
            reply["Domain"] = domain;
        }

        if (key is not null)
        {
            reply["Key"] = key;
        }

        var values = Domain(domain);
        if (values is null)
        {
            Fail(reply, LockdownError.MissingValue);
        }
        else if (key is null)
        {
            reply["Value"] = values;
        }
        else if (values.TryGetValue(key, out var value))
        {
            reply["Value"] = value;
        }
        else
        {
            Fail(reply, LockdownError.MissingValue);
        }
    }

    private PlistDictionary? Domain(string? domain)
    {
        var id = device.Identity;
        return domain switch
        {
            null => new PlistDictionary
            {
                ["ActivationState"] = "Activated",
                ["BasebandVersion"] = "4.02.01",
                ["BluetoothAddress"] = "aa:bb:cc:00:11:22",
                ["BuildVersion"] = id.BuildVersion,
                ["CPUArchitecture"] = "arm64e",
                ["DeviceClass"] = "iPhone",
                ["DeviceColor"] = "1",
                ["DeviceName"] = id.DeviceName,
                ["DevicePublicKey"] = id.PublicKeyPem,
                ["HardwareModel"] = "N104AP",
                ["HardwarePlatform"] = "t8030",
                ["InternationalMobileEquipmentIdentity"] = "356789012345678",
                ["PasswordProtected"] = device.PasscodeLocked,
                ["PhoneNumber"] = "+1 (555) 010-0000",
                ["ProductName"] = "iPhone OS",
                ["ProductType"] = id.ProductType,
                ["ProductVersion"] = id.ProductVersion,
                ["SerialNumber"] = id.SerialNumber,
                ["TimeZone"] = "Europe/Paris",
                ["UniqueChipID"] = id.UniqueChipId,
                ["UniqueDeviceID"] = id.Udid,
                ["WiFiAddress"] = id.WiFiAddress,
            },
            "com.apple.mobile.backup" => new PlistDictionary
            {
                ["WillEncrypt"] = device.State.BackupPassword is not null,
                ["RequiresEncrypt"] = false,
            },
            "com.apple.mobile.iTunes" => new PlistDictionary { ["MinITunesVersion"] = "12.5.1" },
            "com.apple.iTunes" => new PlistDictionary(),
            "com.apple.mobile.wireless_lockdown" => new PlistDictionary { ["EnableWifiConnections"] = _wifiConnections },
            "com.apple.disk_usage" => new PlistDictionary
            {
                ["TotalDiskCapacity"] = 64_000_000_000L,
                ["AmountDataAvailable"] = device.Faults.PhoneFreeBytes ?? 32_000_000_000L,
            },
            _ => null,
        };
    }

    private void Pair(PlistDictionary request, PlistDictionary reply)
    {
        var faults = device.Faults;
        if (device.PasscodeLocked)
        {
            Fail(reply, LockdownError.PasswordProtected);
            return;
        }

        lock (_lock)
        {
            if (device.PairingDialogPendingLeft < 0)
            {
                device.PairingDialogPendingLeft = faults.PairingDialogPending;
            }

            if (device.PairingDialogPendingLeft > 0)
            {
                device.PairingDialogPendingLeft--;
                Fail(reply, LockdownError.PairingDialogResponsePending);
                return;
            }
        }

        if (faults.UserDeniesPairing)
        {
            Fail(reply, LockdownError.UserDeniedPairing);
            return;
        }

        var record = request.GetDictionary("PairRecord");
        var hostId = record?.GetString("HostID");
        if (record is null || hostId is null || record.GetData("HostCertificate") is null || record.GetData("RootCertificate") is null || record.GetData("DeviceCertificate") is null)
        {
            Fail(reply, LockdownError.InvalidPairRecord);
            return;
        }

        var escrow = RandomNumberGenerator.GetBytes(32);
        var stored = new PlistDictionary
        {
            ["HostCertificate"] = record.GetData("HostCertificate")!,
            ["RootCertificate"] = record.GetData("RootCertificate")!,
            ["DeviceCertificate"] = record.GetData("DeviceCertificate")!,
            ["SystemBUID"] = record.GetString("SystemBUID") ?? string.Empty,
            ["EscrowBag"] = escrow,
        };
        device.State.AddPairing(hostId, stored);
        reply["EscrowBag"] = escrow;
    }

    private void StartService(PlistDictionary request, PlistDictionary reply, string? sessionHostId)
    {
        var service = request.GetString("Service");
        if (service is not null)
        {
            reply["Service"] = service;
        }

        if (sessionHostId is null)
        {
            Fail(reply, LockdownError.SessionInactive);
            return;
        }

        ushort? port = service switch
        {
            NotificationProxyService.ServiceName => SimulatedDevice.NotificationProxyPort,
            AfcClient.ServiceName => SimulatedDevice.AfcPort,
            MobileBackup2Client.ServiceName => SimulatedDevice.MobileBackup2Port,
            Keepsake.Device.Services.InstallationProxy.InstallationProxyClient.ServiceName => SimulatedDevice.InstallationProxyPort,
            Keepsake.Device.Services.SpringBoard.SpringBoardServicesClient.ServiceName => SimulatedDevice.SpringBoardServicesPort,
            _ => null,
        };
        if (port is null)
        {
            Fail(reply, LockdownError.InvalidService);
            return;
        }

        if (service == MobileBackup2Client.ServiceName && device.PasscodeLocked)
        {
            Fail(reply, LockdownError.PasswordProtected);
            return;
        }

        reply["Port"] = (long)port.Value;
    }
}
