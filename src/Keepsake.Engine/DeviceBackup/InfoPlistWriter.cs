using Keepsake.Plist;

namespace Keepsake.Engine.DeviceBackup;

/// <summary>
/// Writes the Info.plist that the host (not the phone) composes at the start of a backup, from the
/// phone's lockdown values: the keys Finder and idevicebackup2 write (docs/design/backup-format.md).
/// Written under a temporary name and renamed, so a crash never leaves half a file.
/// </summary>
internal static class InfoPlistWriter
{
    public static void Write(string workingCopy, string udid, PlistDictionary values, PlistDictionary applications, PlistArray installedApplications)
    {
        // Restore tools (idevicebackup2 among them, and Keepsake's) build the phone's RestoreApplications.plist from
        // this dict; without it idevicebackup2 refuses to restore. App data itself travels in the AppDomain entries.
        var info = new PlistDictionary { ["Applications"] = applications };
        void Copy(string infoKey, string lockdownKey)
        {
            if (values.TryGetValue(lockdownKey, out var value))
            {
                info[infoKey] = value;
            }
        }

        Copy("Build Version", "BuildVersion");
        Copy("Device Name", "DeviceName");
        Copy("Display Name", "DeviceName");
        info["GUID"] = Guid.NewGuid().ToString("N").ToUpperInvariant();
        Copy("ICCID", "IntegratedCircuitCardIdentity");
        Copy("IMEI", "InternationalMobileEquipmentIdentity");
        Copy("MEID", "MobileEquipmentIdentifier");
        info["Installed Applications"] = installedApplications;
        info["Last Backup Date"] = new PlistDate(DateTimeOffset.UtcNow);
        Copy("Phone Number", "PhoneNumber");
        Copy("Product Type", "ProductType");
        Copy("Product Version", "ProductVersion");
        Copy("Serial Number", "SerialNumber");
        info["Target Identifier"] = udid;
        info["Target Type"] = "Device";
        info["Unique Identifier"] = udid.ToUpperInvariant();
        info["iTunes Version"] = "Keepsake";

        var path = Path.Combine(workingCopy, "Info.plist");
        var temp = path + ".keepsake-partial";
        File.WriteAllBytes(temp, PlistWriter.ToXml(info));
        File.Move(temp, path, overwrite: true);
    }
}
