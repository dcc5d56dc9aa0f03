using Keepsake.BackupFormat;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Simulator.Phone;
using Keepsake.Device.Transport;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Engine.DeviceRestore;
using Keepsake.Engine.Vault;
using Keepsake.Engine.Verify;
using Keepsake.Primitives;

namespace Keepsake.Engine.Tests.DeviceBackup;

/// <summary>Encryption on, encrypted backups through the whole path, verify, and restore to the phone.</summary>
public sealed class EncryptedRoundTripTests
{
    [Fact]
    public async Task EncryptionOn_BackupVerifyRestore_PhoneGetsTheSnapshotBack()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
        {
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", "original\n"u8.ToArray());
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Preferences/com.example.plist", "<plist/>"u8.ToArray());
        });
        var (dir, phone, repository, options) = (setup.Directory, setup.Phone, setup.Repository, setup.Options);
        Func<Task<IDeviceConnector>> connect = setup.ConnectAsync;
        using var backupPassword = Secret.FromString("backup-pw");

        Assert.False(await DeviceEncryption.IsOnAsync(await connect()));
        await DeviceEncryption.ChangeAsync(await connect(), options.WorkingRoot, null, backupPassword);
        Assert.True(await DeviceEncryption.IsOnAsync(await connect()));

        var backup = await DeviceBackupJob.RunAsync(await connect(), repository, options);
        Assert.True(backup.IsEncrypted);
        Assert.Empty(backup.Warnings);

        // verify: every blob, the keybag with the password, every entry decrypted.
        var report = await VerifyJob.RunAsync(repository, backup.Snapshot, backupPassword);
        Assert.True(report.IsOk, string.Join("\n", report.Problems));
        Assert.True(report.Encrypted);
        Assert.True(report.EntriesDecrypted >= 2);
        using var wrong = Secret.FromString("not-it");
        var error = await Assert.ThrowsAsync<BackupFormatException>(() => VerifyJob.RunAsync(repository, backup.Snapshot, wrong));
        Assert.Equal(BackupFormatError.WrongPassword, error.Error);

        // The phone changes; restoring the snapshot brings the old contents back.
        BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", "changed on the phone\n"u8.ToArray());
        await DeviceRestoreJob.RunAsync(await connect(), repository, backup.Snapshot,
            new MobileBackup2RestoreOptions { RestoreSystemFiles = true, Password = backupPassword, Reboot = false }, dir.Combine("staging"));
        Assert.Equal("original\n", File.ReadAllText(Path.Combine(phone, "HomeDomain", "Library", "Notes", "notes.txt")));
        Assert.False(Directory.Exists(dir.Combine("staging")) && Directory.EnumerateFileSystemEntries(dir.Combine("staging")).Any());

        // Backing up again gives the same contents as the restored snapshot.
        var again = await DeviceBackupJob.RunAsync(await connect(), repository, options);
        using var first = SnapshotBackupSource.Open(repository, backup.Snapshot, backupPassword);
        using var second = SnapshotBackupSource.Open(repository, again.Snapshot, backupPassword);
        Assert.Equal(Contents(first), Contents(second));
    }

    [Fact]
    public async Task Restore_WrongBackupPassword_FailsBeforeThePhoneIsTouched()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", "original\n"u8.ToArray()));
        var (dir, phone, repository, options) = (setup.Directory, setup.Phone, setup.Repository, setup.Options);
        Func<Task<IDeviceConnector>> connect = setup.ConnectAsync;
        using var backupPassword = Secret.FromString("backup-pw");
        await DeviceEncryption.ChangeAsync(await connect(), options.WorkingRoot, null, backupPassword);
        var backup = await DeviceBackupJob.RunAsync(await connect(), repository, options);
        BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", "kept\n"u8.ToArray());

        using var wrong = Secret.FromString("wrong");
        var connector = await connect();
        var error = await Assert.ThrowsAsync<BackupFormatException>(() => DeviceRestoreJob.RunAsync(connector, repository, backup.Snapshot,
            new MobileBackup2RestoreOptions { Password = wrong, Reboot = false }, dir.Combine("staging")));

        Assert.Equal(BackupFormatError.WrongPassword, error.Error);
        Assert.Equal("kept\n", File.ReadAllText(Path.Combine(phone, "HomeDomain", "Library", "Notes", "notes.txt")));
    }

    private static List<(string, string, string)> Contents(IBackupFileSource source) =>
        source.Entries()
            .Where(e => e.Kind == BackupEntryKind.File)
            .Select(e =>
            {
                using var stream = source.OpenRead(e);
                return (e.Domain, e.RelativePath, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream)));
            })
            .ToList();
}
