using Keepsake.BackupFormat;
using Keepsake.Device.Simulator;
using Keepsake.Device.Simulator.Phone;
using Keepsake.Device.Transport;
using Keepsake.Device.Usbmux;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Engine.Vault;
using Keepsake.Plist;
using Keepsake.Primitives;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.Engine.Tests.DeviceBackup;

/// <summary>Messages in iCloud, detected from the finished backup of the simulated iPhone.</summary>
public sealed class MessagesInICloudTests
{
    [Fact]
    public async Task RunAsync_BuiltInPhoneWithMessagesInICloud_SaysTheMessagesAreNotInTheBackup()
    {
        using var dir = new TempDirectory();
        await using var simulator = await StartBuiltInPhoneAsync(dir, messagesInICloud: true);
        using var repository = await NewVaultAsync(dir);

        var result = await BackUpAsync(simulator, repository, dir);

        Assert.True(result.MessagesInICloud.Enabled);
        Assert.True(result.MessagesInICloud.RemovedFromBackup);
        Assert.False(result.MessagesInICloud.HasMessageDatabase);
        Assert.Contains("left its messages out of this backup", result.MessagesInICloud.Notice, StringComparison.Ordinal);
        // The phone still has its messages; only the backup lacks them.
        Assert.True(File.Exists(Path.Combine(simulator.PhoneFolder, "HomeDomain", "Library", "SMS", "sms.db")));
        using var source = SnapshotBackupSource.Open(repository, result.Snapshot);
        Assert.Null(source.FindEntry("HomeDomain", "Library/SMS/sms.db"));
        Assert.NotNull(source.FindEntry("HomeDomain", "Library/Preferences/com.apple.madrid.plist"));
        Assert.NotNull(source.FindEntry("HomeDomain", "Library/AddressBook/AddressBook.sqlitedb"));
    }

    [Fact]
    public async Task RunAsync_BuiltInPhoneWithMessagesInICloudOff_HasNoNoticeAndKeepsTheMessages()
    {
        using var dir = new TempDirectory();
        await using var simulator = await StartBuiltInPhoneAsync(dir, messagesInICloud: false);
        using var repository = await NewVaultAsync(dir);

        var result = await BackUpAsync(simulator, repository, dir);

        Assert.False(result.MessagesInICloud.Enabled);
        Assert.Null(result.MessagesInICloud.Notice);
        Assert.True(result.MessagesInICloud.HasMessageDatabase);
        // The check leaves the database alone when the setting is off; the snapshot holds every message the phone has.
        Assert.Null(result.MessagesInICloud.MessagesInBackup);
        using var source = SnapshotBackupSource.Open(repository, result.Snapshot);
        var onPhone = CountMessages(Path.Combine(simulator.PhoneFolder, "HomeDomain", "Library", "SMS", "sms.db"));
        Assert.True(onPhone > 0, "the simulated phone has no messages");
        Assert.Equal(onPhone, CountMessages(source));
    }

    private static long CountMessages(IBackupFileSource source)
    {
        using var temp = new TempDirectory();
        var copy = temp.Combine("sms.db");
        using (var input = source.OpenRead(source.FindEntry("HomeDomain", "Library/SMS/sms.db")!))
        using (var output = File.Create(copy))
        {
            input.CopyTo(output);
        }

        return CountMessages(copy);
    }

    private static long CountMessages(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM message";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task RunAsync_OnButStoreStillBackedUp_CountsTheMessagesTheBackupHolds()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
        {
            BuiltInPhone.Generate(phone);
            // Syncing on, but the phone has not (yet) taken the store out of backups.
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Preferences/com.apple.madrid.plist",
                PlistWriter.ToBinary(new PlistDictionary { ["CloudKitSyncingEnabled"] = true, ["CloudKitIsRemovedFromBackup"] = false }));
        });

        var result = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);

        Assert.True(result.MessagesInICloud.Enabled);
        Assert.False(result.MessagesInICloud.RemovedFromBackup);
        Assert.Equal(9, result.MessagesInICloud.MessagesInBackup);
        Assert.Contains("holds the 9 messages stored on the phone", result.MessagesInICloud.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_EncryptedBackup_ChecksOnlyWithThePassword()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
        {
            BuiltInPhone.Generate(phone);
            MessagesInICloudSetting.Write(phone, on: true);
        });
        using var password = Secret.FromString("backup-pw");
        await DeviceEncryption.ChangeAsync(await setup.ConnectAsync(), setup.Options.WorkingRoot, null, password);

        var without = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);
        using var wrong = Secret.FromString("nope");
        var withWrong = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options with { BackupPassword = wrong });
        var with = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options with { BackupPassword = password });

        Assert.Null(without.MessagesInICloud.Enabled);
        Assert.Contains("encrypted", without.MessagesInICloud.NotCheckedReason, StringComparison.Ordinal);
        Assert.Null(withWrong.MessagesInICloud.Enabled);
        Assert.True(with.MessagesInICloud.Enabled);
        Assert.False(with.MessagesInICloud.HasMessageDatabase);
    }

    [Fact]
    public void Inspect_CorruptPreferences_ReportsUncheckedWithoutThrowing()
    {
        using var dir = new TempDirectory();
        var phone = dir.Combine("phone");
        BuiltInPhone.Write(phone, "HomeDomain", "Library/Preferences/com.apple.madrid.plist", "not a plist"u8.ToArray());
        var backup = dir.Combine("backup");
        using (var writer = Keepsake.BackupFormat.Writer.BackupWriter.Create(backup, new Keepsake.BackupFormat.Writer.BackupWriterOptions { Udid = "x" }))
        {
            using var content = File.OpenRead(Path.Combine(phone, "HomeDomain", "Library", "Preferences", "com.apple.madrid.plist"));
            writer.AddFile("HomeDomain", "Library/Preferences/com.apple.madrid.plist", content, new Keepsake.BackupFormat.Writer.BackupEntryMetadata());
            writer.Complete();
        }

        using var source = Keepsake.BackupFormat.BackupFolder.Open(backup);
        var report = MessagesInICloudCheck.Inspect(source);

        Assert.Null(report.Enabled);
        Assert.Contains("unreadable", report.NotCheckedReason, StringComparison.Ordinal);
    }

    private static Task<SimulatorHost> StartBuiltInPhoneAsync(TempDirectory dir, bool messagesInICloud) =>
        SimulatorHost.StartAsync(new SimulatorOptions
        {
            ListenAddress = "UNIX:" + dir.Combine("usbmuxd.sock"),
            StateFolder = dir.Combine("state"),
            MessagesInICloud = messagesInICloud,
        });

    private static async Task<DeviceBackupResult> BackUpAsync(SimulatorHost simulator, Repository.Repository repository, TempDirectory dir) =>
        await DeviceBackupJob.RunAsync(await UsbmuxDeviceConnector.FindAsync(new UsbmuxClient(simulator.EndPoint)), repository,
            new DeviceBackupOptions { WorkingRoot = dir.Combine("working") });

    private static async Task<Repository.Repository> NewVaultAsync(TempDirectory dir)
    {
        using var password = Secret.FromString("vault");
        return await Repository.Repository.InitAsync(
            new Repository.Backends.Local.LocalBackend(dir.Combine("vault")), password,
            new Repository.RepositoryOptions { KdfParameters = Repository.Crypto.KdfParameters.Fast, Hostname = "test-host" });
    }
}
