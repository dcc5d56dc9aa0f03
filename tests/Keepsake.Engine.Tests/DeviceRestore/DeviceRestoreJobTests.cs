using Keepsake.BackupFormat;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Simulator.Phone;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Engine.DeviceRestore;

namespace Keepsake.Engine.Tests.DeviceRestore;

/// <summary>A restore to the phone runs the full verification first; a snapshot that fails it never reaches the phone.</summary>
public sealed class DeviceRestoreJobTests
{
    [Fact]
    public async Task RunAsync_SoundSnapshot_ReportsTheVerificationAndRestores()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(BuiltInPhone.Generate);
        var backup = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);
        var notes = Path.Combine(setup.Phone, "HomeDomain", "Library", "Preferences", "com.apple.Preferences.plist");
        var original = File.ReadAllBytes(notes);
        File.WriteAllText(notes, "changed");

        var report = await DeviceRestoreJob.RunAsync(await setup.ConnectAsync(), setup.Repository, backup.Snapshot,
            new MobileBackup2RestoreOptions { Reboot = false }, setup.Directory.Combine("staging"));

        Assert.True(report.IsOk);
        Assert.Equal(4, report.Databases.Count); // the built-in phone has no Photos.sqlite
        Assert.Contains("9 rows in message", report.Databases["HomeDomain/Library/SMS/sms.db"], StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllBytes(notes));
    }

    [Fact]
    public async Task RunAsync_KeyDatabaseUnreadable_FailsBeforeThePhoneIsTouched()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
        {
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", "in the snapshot\n"u8.ToArray());
            // Every blob is intact in the vault, but the message database is not a database: only the
            // full verification (the database opened and queried) can tell.
            BuiltInPhone.Write(phone, "HomeDomain", "Library/SMS/sms.db", new byte[8192]);
        });
        var backup = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);
        var notes = Path.Combine(setup.Phone, "HomeDomain", "Library", "Notes", "notes.txt");
        File.WriteAllText(notes, "changed on the phone\n");
        var before = setup.Simulator.PostedNotifications.Count;

        var error = await Assert.ThrowsAsync<BackupFormatException>(async () => await DeviceRestoreJob.RunAsync(await setup.ConnectAsync(), setup.Repository, backup.Snapshot,
            new MobileBackup2RestoreOptions { Reboot = false, RestoreSystemFiles = true }, setup.Directory.Combine("staging")));

        Assert.Contains("sms.db", error.Message, StringComparison.Ordinal);
        Assert.Contains("phone was not touched", error.Message, StringComparison.Ordinal);
        Assert.Equal("changed on the phone\n", File.ReadAllText(notes));
        // Not even the sync lock was taken: the phone's backup service was never started.
        Assert.Equal(before, setup.Simulator.PostedNotifications.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_BackupListsApps_PhoneIsAskedToReinstallThemUnlessSkipApps(bool skipApps)
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(BuiltInPhone.Generate);
        // A backup as Finder leaves it: Info.plist lists the apps it held.
        var folder = setup.Directory.Combine("finder-backup");
        using (var writer = Keepsake.BackupFormat.Writer.BackupWriter.Create(folder, new Keepsake.BackupFormat.Writer.BackupWriterOptions { Udid = "00008030-0011223344556677" }))
        {
            writer.AddFile("AppDomain-com.example.app", "Documents/a.txt", new MemoryStream("app data"u8.ToArray()));
            writer.Complete();
        }

        var infoPath = Path.Combine(folder, "Info.plist");
        var info = Keepsake.Plist.PlistReader.ReadFile(infoPath).AsDictionary();
        info["Applications"] = new Keepsake.Plist.PlistDictionary
        {
            ["com.example.app"] = new Keepsake.Plist.PlistDictionary { ["CFBundleIdentifier"] = "com.example.app" },
        };
        File.WriteAllBytes(infoPath, Keepsake.Plist.PlistWriter.ToXml(info));
        var imported = await Keepsake.Engine.Vault.ImportJob.RunAsync(setup.Repository, folder);

        await DeviceRestoreJob.RunAsync(await setup.ConnectAsync(), setup.Repository, imported.Snapshot,
            new MobileBackup2RestoreOptions { Reboot = false, SkipApps = skipApps }, setup.Directory.Combine("staging"));

        Assert.Equal(skipApps ? [] : ["com.example.app"], setup.Simulator.LastRestoreApplications);
        Assert.Equal("app data", File.ReadAllText(Path.Combine(setup.Phone, "AppDomain-com.example.app", "Documents", "a.txt")));
    }

    [Fact]
    public async Task RunAsync_KeepsakeBackup_RecordsThePhonesAppsAndTheRestoreReinstallsThem()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
        {
            BuiltInPhone.Generate(phone);
            BuiltInPhone.Write(phone, "AppDomain-net.example.notes", "Documents/n.txt", "notes"u8.ToArray());
        });
        var backup = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);
        using (var source = Keepsake.Engine.Vault.SnapshotBackupSource.Open(setup.Repository, backup.Snapshot))
        {
            var info = source.Properties.InfoPlist!;
            Assert.Contains("net.example.notes", info.GetArray("Installed Applications")!.OfType<Keepsake.Plist.PlistString>().Select(s => s.Value));
            Assert.NotNull(info.GetDictionary("Applications")!.GetDictionary("net.example.notes")!.GetData("iTunesMetadata"));
        }

        await DeviceRestoreJob.RunAsync(await setup.ConnectAsync(), setup.Repository, backup.Snapshot,
            new MobileBackup2RestoreOptions { Reboot = false }, setup.Directory.Combine("staging"));

        Assert.Contains("net.example.notes", setup.Simulator.LastRestoreApplications);
    }
}
