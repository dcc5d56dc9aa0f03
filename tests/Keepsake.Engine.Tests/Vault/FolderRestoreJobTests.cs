using Keepsake.Device.Simulator.Phone;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Engine.Vault;
using Keepsake.TestKit;

namespace Keepsake.Engine.Tests.Vault;

public sealed class FolderRestoreJobTests
{
    /// <summary>The independent peer accepts what the vault hands back: idevicebackup2 restores it into the phone.</summary>
    [ToolFact("idevicebackup2", "idevicepair")]
    public async Task RunAsync_FolderRestoredByIdevicebackup2_PhoneGetsTheSnapshotContents()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", "in the snapshot\n"u8.ToArray()));
        var backup = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);
        var notes = Path.Combine(setup.Phone, "HomeDomain", "Library", "Notes", "notes.txt");
        File.WriteAllText(notes, "changed on the phone\n");

        var destination = setup.Directory.Combine("handed-back");
        var (folder, result) = await FolderRestoreJob.RunAsync(setup.Repository, backup.Snapshot, destination);

        Assert.Empty(result.Errors);
        Assert.Equal(setup.Simulator.Udid, Path.GetFileName(folder));
        var env = new Dictionary<string, string> { ["USBMUXD_SOCKET_ADDRESS"] = setup.Simulator.UsbmuxdSocketAddress };
        ExternalTool.Run("idevicepair", ["pair"], TimeSpan.FromMinutes(1), env).EnsureSuccess("idevicepair pair");
        var restore = ExternalTool.Run("idevicebackup2", ["restore", "--system", "--no-reboot", destination], TimeSpan.FromMinutes(3), env)
            .EnsureSuccess("idevicebackup2 restore of the folder Keepsake wrote");
        Assert.Contains("Restore Successful", restore.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("in the snapshot\n", File.ReadAllText(notes));
    }
}
