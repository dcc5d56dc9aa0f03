using System.Text;
using Keepsake.BackupFormat;
using Keepsake.Device.Simulator;
using Keepsake.Device.Simulator.Phone;
using Keepsake.Device.Transport;
using Keepsake.Device.Usbmux;
using Keepsake.Engine.DeviceBackup;
using Keepsake.Engine.Vault;
using Keepsake.Primitives;
using Keepsake.Repository.Backends;
using Keepsake.Repository.Backends.Local;
using Keepsake.Repository.Crypto;
using Keepsake.TestKit;

namespace Keepsake.Engine.Tests.DeviceBackup;

/// <summary>
/// The phone straight into the vault, end to end against the simulated iPhone: after every run no
/// file outside the vault and the simulated phone's own folders holds phone content, every snapshot
/// gives back exactly what the phone held, and restic accepts the vault.
/// </summary>
public sealed class VaultDeviceLinkFileSystemTests
{
    [Fact]
    public async Task RunAsync_FullIncrementalEncrypted_NoPhoneContentOutsideTheVaultAndEachSnapshotIsThePhone()
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
        {
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", Encoding.UTF8.GetBytes($"Buy milk {marker}\n"));
            BuiltInPhone.Write(phone, "HomeDomain", $"Library/Notes/{marker}.txt", Encoding.UTF8.GetBytes("named after the marker"));
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Old/old.bin", WithMarker(100_000, 1, marker));
            BuiltInPhone.Write(phone, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.JPG", WithMarker(3_000_000, 2, marker));
        });
        var (phone, repository, options) = (setup.Phone, setup.Repository, setup.Options);

        var full = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), repository, options);
        AssertNoPhoneContentOutsideTheVault(setup, marker);
        AssertSnapshotIsThePhone(setup, full.Snapshot, null);
        Assert.True(full.WasFull);

        BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", Encoding.UTF8.GetBytes($"Buy milk and eggs {marker}\n"));
        BuiltInPhone.Write(phone, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0002.JPG", WithMarker(500_000, 3, marker));
        File.Delete(Path.Combine(phone, "HomeDomain", "Library", "Old", "old.bin"));
        var incremental = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), repository, options);
        AssertNoPhoneContentOutsideTheVault(setup, marker);
        AssertSnapshotIsThePhone(setup, incremental.Snapshot, null);
        Assert.False(incremental.WasFull);
        Assert.Equal(full.Snapshot.Id, incremental.Previous?.Id);
        // The 3 MB photo was neither sent nor stored again.
        Assert.True(incremental.Stored.BytesAdded < 1_000_000, $"the incremental run stored {incremental.Stored.BytesAdded} bytes");

        using var backupPassword = Secret.FromString("backup-pw");
        await DeviceEncryption.ChangeAsync(await setup.ConnectAsync(), options.TemporaryRoot!, null, backupPassword);
        BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", Encoding.UTF8.GetBytes($"Encrypted now {marker}\n"));
        var encrypted = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), repository, options with { BackupPassword = backupPassword });
        AssertNoPhoneContentOutsideTheVault(setup, marker);
        Assert.True(encrypted.IsEncrypted);
        AssertSnapshotIsThePhone(setup, encrypted.Snapshot, backupPassword);

        // The earlier snapshots still hold what the phone held then.
        using (var first = SnapshotBackupSource.Open(repository, full.Snapshot))
        {
            Assert.Equal($"Buy milk {marker}\n", ReadText(first, "HomeDomain", "Library/Notes/notes.txt"));
            Assert.NotNull(first.FindEntry("HomeDomain", "Library/Old/old.bin"));
        }

        // The private temporary folder is gone, and restic itself reads every pack of the vault.
        Assert.Empty(Directory.EnumerateFileSystemEntries(options.TemporaryRoot!));
        var env = new Dictionary<string, string> { ["RESTIC_PASSWORD"] = "vault" };
        ExternalTool.Run("restic", ["--no-cache", "--no-lock", "-r", setup.Directory.Combine("vault"), "check", "--read-data"], TimeSpan.FromMinutes(3), env).EnsureSuccess("restic check");

        // restic's own restore of the last snapshot is a backup folder holding the phone, byte for byte.
        var restored = setup.Directory.Combine("restored");
        ExternalTool.Run("restic", ["--no-cache", "--no-lock", "-r", setup.Directory.Combine("vault"), "restore", encrypted.Snapshot.Id.ToString(), "--target", restored], TimeSpan.FromMinutes(3), env).EnsureSuccess("restic restore");
        using var folder = BackupFolder.Open(restored + encrypted.BackupFolder, backupPassword);
        AssertSourceIsThePhone(phone, folder);
    }

    [Fact]
    public async Task RunAsync_DisconnectedAtManyPointsThenResumed_StoresAtMostFivePercentMoreThanOneRun()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", "first\n"u8.ToArray()));
        await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);
        for (var i = 0; i < 6; i++)
        {
            BuiltInPhone.Write(setup.Phone, "CameraRollDomain", $"Media/DCIM/100APPLE/IMG_{i:D4}.JPG", WithMarker(1_500_000, 10 + i, "x"));
        }

        // The same change backed up without interruption into a second vault, for comparison.
        using var controlPassword = Secret.FromString("vault");
        using var control = await Keepsake.Repository.Repository.InitAsync(
            new LocalBackend(setup.Directory.Combine("control")), controlPassword, new Keepsake.Repository.RepositoryOptions { KdfParameters = KdfParameters.Fast, Hostname = "test-host" });
        var controlOptions = setup.Options with { WorkingRoot = setup.Directory.Combine("control-working") };
        var sizeBefore = VaultSize(setup.Directory.Combine("vault"));

        foreach (var cut in new long[] { 200, 40_000, 1_000_000, 3_000_000, 6_000_000, 8_500_000 })
        {
            await using var faulty = await SimulatorHost.StartAsync(new SimulatorOptions
            {
                ListenAddress = "UNIX:" + setup.Directory.Combine($"faulty-{cut}.sock"),
                PhoneFolder = setup.Phone,
                StateFolder = setup.Directory.Combine("state"),
                BackupKeyIterations = 1000,
                Faults = new SimulatorFaults { DisconnectAfterBytes = cut },
            });
            var connector = await UsbmuxDeviceConnector.FindAsync(new UsbmuxClient(faulty.EndPoint));
            var error = await Record.ExceptionAsync(() => DeviceBackupJob.RunAsync(connector, setup.Repository, setup.Options with { IdleTimeout = TimeSpan.FromSeconds(10) }));
            Assert.True(error is IOException or BackupFormatException or TimeoutException, $"cut at {cut} bytes: {error?.GetType().Name}: {error?.Message}");
            Assert.Single(await setup.Repository.ListSnapshotsAsync());
            Assert.Empty(Directory.EnumerateFileSystemEntries(setup.Options.TemporaryRoot!));
        }

        var resumed = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);
        var interruptedGrowth = VaultSize(setup.Directory.Combine("vault")) - sizeBefore;
        AssertSnapshotIsThePhone(setup, resumed.Snapshot, null);

        await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), control, controlOptions);
        var controlSize = VaultSize(setup.Directory.Combine("control"));
        Assert.True(interruptedGrowth <= controlSize * 1.05, $"interrupted runs and the resume stored {interruptedGrowth} bytes; one uninterrupted run {controlSize}");
        Assert.Equal(2, (await setup.Repository.ListSnapshotsAsync()).Count);
    }

    [Fact]
    public async Task RunAsync_VaultDiskFills_VaultDiskFullAndNothingRecorded()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
            BuiltInPhone.Write(phone, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.JPG", WithMarker(3_000_000, 5, "x")));
        using var password = Secret.FromString("vault");
        var backend = new FillingBackend(new LocalBackend(setup.Directory.Combine("small-vault")), 200_000);
        using var small = await Keepsake.Repository.Repository.InitAsync(backend, password, new Keepsake.Repository.RepositoryOptions { KdfParameters = KdfParameters.Fast, Hostname = "test-host" });
        backend.Full = true;

        var error = await Assert.ThrowsAsync<VaultDiskFullException>(() => DeviceBackupJob.RunAsync(setup.ConnectAsync().GetAwaiter().GetResult(), small, setup.Options));

        Assert.Contains("vault disk full", error.Message, StringComparison.Ordinal);
        Assert.Empty(await small.ListSnapshotsAsync());
        Assert.Empty(Directory.EnumerateFileSystemEntries(setup.Options.TemporaryRoot!));
    }

    [Fact]
    public async Task RunAsync_WorkingCopyOfAnEarlierVersion_UsedOnceAsTheBaseThenRemoved()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
        {
            BuiltInPhone.Write(phone, "HomeDomain", "Library/Notes/notes.txt", "in the old copy\n"u8.ToArray());
            BuiltInPhone.Write(phone, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.JPG", WithMarker(2_000_000, 6, "x"));
        });

        // What earlier versions did: the phone backs up into a plain folder <root>/<UDID>.
        var lockdown = await Keepsake.Device.Lockdown.LockdownClient.ConnectWithSessionAsync(await setup.ConnectAsync());
        await using (lockdown)
        {
            await using var client = await Keepsake.Device.Services.MobileBackup2.MobileBackup2Client.StartAsync(lockdown);
            await client.BackupAsync(new Keepsake.Device.Services.MobileBackup2.LocalDeviceLinkFileSystem(setup.Options.WorkingRoot), full: true);
        }

        var workingCopy = Path.Combine(setup.Options.WorkingRoot, setup.Simulator.Udid);
        Assert.True(File.Exists(Path.Combine(workingCopy, "Status.plist")));
        BuiltInPhone.Write(setup.Phone, "HomeDomain", "Library/Notes/notes.txt", "changed since\n"u8.ToArray());

        var result = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);

        // The phone sent only the change (the copy was its base), the snapshot holds the whole phone, and the copy is gone.
        Assert.False(result.WasFull);
        Assert.Equal(workingCopy, result.RemovedWorkingCopy);
        Assert.False(Directory.Exists(workingCopy));
        AssertSnapshotIsThePhone(setup, result.Snapshot, null);
        var next = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);
        Assert.Null(next.RemovedWorkingCopy);
        Assert.Equal(result.Snapshot.Id, next.Previous?.Id);
    }

    [Fact]
    public async Task RunAsync_PhoneLargerThan64MiB_DiskOutsideTheVaultStaysUnder64MiBThroughout()
    {
        await using var setup = await SimulatedPhoneVault.StartAsync(phone =>
        {
            for (var i = 0; i < 8; i++)
            {
                BuiltInPhone.Write(phone, "CameraRollDomain", $"Media/DCIM/100APPLE/IMG_{i:D4}.MOV", WithMarker(10_000_000, 20 + i, "x"));
            }
        });
        var excluded = new[] { setup.Phone, setup.Directory.Combine("state"), setup.Directory.Combine("vault") };
        long Used() => new DirectoryInfo(setup.Directory.Path).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => !excluded.Any(e => f.FullName.StartsWith(e + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            .Sum(f =>
            {
                try
                {
                    return f.Length;
                }
                catch (FileNotFoundException)
                {
                    return 0;
                }
            });
        var baseline = Used();
        long peak = 0;
        using var done = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                try
                {
                    peak = Math.Max(peak, Used() - baseline);
                }
                catch (DirectoryNotFoundException)
                {
                    // A folder went away while it was listed.
                }

                await Task.Delay(2);
            }
        });

        var result = await DeviceBackupJob.RunAsync(await setup.ConnectAsync(), setup.Repository, setup.Options);
        await done.CancelAsync();
        await watcher;

        Assert.True(result.Stored.BytesRead >= 80_000_000);
        Assert.True(peak < 64L * 1024 * 1024, $"the backup used {peak} bytes of disk outside the vault for an 80 MB phone");
    }

    private static long VaultSize(string vault) =>
        new DirectoryInfo(vault).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => !f.DirectoryName!.Contains("locks", StringComparison.Ordinal)).Sum(f => f.Length);

    /// <summary>Searches the test's folders (data, temporary, the old working-copy place) and the system temp folder's keepsake entries, all but the vault and the simulated phone's own folders.</summary>
    private static void AssertNoPhoneContentOutsideTheVault(SimulatedPhoneVault setup, string marker)
    {
        var needle = Encoding.UTF8.GetBytes(marker);
        var excluded = new[] { setup.Phone, setup.Directory.Combine("state") };
        var roots = new List<string> { setup.Directory.Path };
        // What the product itself may put in the system temp folder (inspected databases, decrypted manifests).
        foreach (var pattern in new[] { "keepsake-manifest-*", "keepsake-db-*", "keepsake-export-*", "keepsake-sim-*" })
        {
            roots.AddRange(Directory.EnumerateFileSystemEntries(Path.GetTempPath(), pattern));
        }

        foreach (var root in roots)
        {
            var files = File.Exists(root) ? [root] : Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories);
            foreach (var file in files.Where(f => !excluded.Any(e => f.StartsWith(e + Path.DirectorySeparatorChar, StringComparison.Ordinal))))
            {
                Assert.DoesNotContain(marker, file, StringComparison.Ordinal);
                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(file);
                }
                catch (IOException)
                {
                    continue; // removed meanwhile (another test's temporary file)
                }

                Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{file} holds phone content");
            }
        }
    }

    private static void AssertSnapshotIsThePhone(SimulatedPhoneVault setup, Keepsake.Repository.Snapshots.Snapshot snapshot, Secret? password)
    {
        using var source = SnapshotBackupSource.Open(setup.Repository, snapshot, password);
        AssertSourceIsThePhone(setup.Phone, source);
    }

    private static void AssertSourceIsThePhone(string phone, IBackupFileSource source)
    {
        var files = Directory.GetFiles(phone, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(phone, file).Replace('\\', '/');
            var slash = relative.IndexOf('/', StringComparison.Ordinal);
            var entry = source.FindEntry(relative[..slash], relative[(slash + 1)..]);
            Assert.True(entry is not null, $"{relative} is not in the snapshot");
            using var stream = source.OpenRead(entry);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(memory.ToArray()), $"{relative} differs from the phone");
        }

        Assert.Equal(files.Length, source.Entries().Count(e => e.Kind == BackupEntryKind.File));
    }

    private static string ReadText(IBackupFileSource source, string domain, string path)
    {
        using var reader = new StreamReader(source.OpenRead(source.FindEntry(domain, path)!));
        return reader.ReadToEnd();
    }

    private static byte[] WithMarker(int length, int seed, string marker)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        Encoding.UTF8.GetBytes(marker).CopyTo(bytes, length / 2);
        return bytes;
    }

    /// <summary>A local vault whose disk is full once <see cref="Full"/> is set: packs fail with ENOSPC.</summary>
    private sealed class FillingBackend(LocalBackend inner, long room) : IBackend
    {
        private long _written;

        public bool Full { get; set; }

        public string Location => inner.Location;

        public async Task SaveAsync(FileType type, string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            if (Full && type == FileType.Pack && Interlocked.Add(ref _written, data.Length) > room)
            {
                throw new IOException("No space left on device", 28);
            }

            await inner.SaveAsync(type, name, data, cancellationToken);
        }

        public Task<byte[]> LoadAsync(FileType type, string name, long offset = 0, int length = 0, CancellationToken cancellationToken = default) =>
            inner.LoadAsync(type, name, offset, length, cancellationToken);

        public Task<BackendFileInfo> StatAsync(FileType type, string name, CancellationToken cancellationToken = default) =>
            inner.StatAsync(type, name, cancellationToken);

        public IAsyncEnumerable<BackendFileInfo> ListAsync(FileType type, CancellationToken cancellationToken = default) =>
            inner.ListAsync(type, cancellationToken);

        public Task RemoveAsync(FileType type, string name, CancellationToken cancellationToken = default) =>
            inner.RemoveAsync(type, name, cancellationToken);
    }
}
