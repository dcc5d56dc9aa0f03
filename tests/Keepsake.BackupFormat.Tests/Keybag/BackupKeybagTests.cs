using Keepsake.BackupFormat.Keybag;
using Keepsake.Plist;
using Keepsake.Primitives;
using Keepsake.TestKit;

namespace Keepsake.BackupFormat.Tests.Keybag;

/// <summary>Derives each john-keybags KEK once (the -10- one is 10M PBKDF2-SHA256 rounds) for the whole class.</summary>
public sealed class JohnKeybagsFixture
{
    public JohnKeybagsFixture()
    {
        if (!Fixtures.Exists("john-keybags"))
        {
            return;
        }

        foreach (var (file, password) in Files)
        {
            var manifest = PlistReader.ReadFile(Fixtures.Path("john-keybags", file)).AsDictionary();
            var bag = BackupKeybag.Parse(manifest.GetData("BackupKeyBag"));
            using var secret = Secret.FromString(password);
            Keks[file] = bag.DeriveKek(secret);
            Bags[file] = bag;
            Manifests[file] = manifest;
        }
    }

    public static (string File, string Password)[] Files { get; } =
    [
        ("Manifest-10-test123.plist", "test123"),
        ("Manifest-9-test123.plist", "test123"),
        ("Manifest-9-123456.plist", "123456"),
    ];

    public Dictionary<string, byte[]> Keks { get; } = [];

    public Dictionary<string, BackupKeybag> Bags { get; } = [];

    public Dictionary<string, PlistDictionary> Manifests { get; } = [];
}

public sealed class BackupKeybagTests(JohnKeybagsFixture john) : IClassFixture<JohnKeybagsFixture>
{
    [FixtureTheory("john-keybags")]
    [InlineData("Manifest-10-test123.plist")]
    [InlineData("Manifest-9-test123.plist")]
    [InlineData("Manifest-9-123456.plist")]
    public void UnlockWithKek_RightPassword_UnwrapsAllElevenClassKeys(string file)
    {
        var bag = john.Bags[file];
        Assert.Equal(1, bag.Type);
        Assert.Equal(11, bag.ClassKeys.Count);
        Assert.Equal(Enumerable.Range(1, 11), bag.ClassKeys.Select(c => c.ProtectionClass!.Value).Order());
        using var ring = bag.UnlockWithKek(john.Keks[file]);
        Assert.Equal(11, ring.UnwrappedCount);
        Assert.Equal(11, ring.AvailableClasses.Count + ring.DeviceBoundClasses.Count);
    }

    [FixtureFact("john-keybags")]
    public void Parse_Ios102Keybag_HasDoubleProtectionTagsInHeader()
    {
        var bag = john.Bags["Manifest-10-test123.plist"];
        Assert.True(bag.HasDoubleProtection);
        Assert.Equal(10_000_000, bag.DoubleProtectionIterations);
        Assert.Equal(10_000, bag.Iterations);
        Assert.Equal(3, bag.Version);
        Assert.Contains(bag.HeaderTags, t => t.Name == "DPWT");
        Assert.Equal(16, bag.Uuid!.Length);
        Assert.All(bag.ClassKeys, c => Assert.Equal(40, c.WrappedKey!.Length));
        // The keybag re-serialises to the same bytes (nothing dropped, unknown tags kept).
        Assert.Equal(john.Manifests["Manifest-10-test123.plist"].GetData("BackupKeyBag"), bag.ToBytes());
    }

    [FixtureTheory("john-keybags")]
    [InlineData("Manifest-9-test123.plist")]
    [InlineData("Manifest-9-123456.plist")]
    public void Parse_Ios9Keybag_HasNoDoubleProtection(string file)
    {
        Assert.False(john.Bags[file].HasDoubleProtection);
        Assert.Equal(10_000, john.Bags[file].Iterations);
    }

    [FixtureFact("john-keybags")]
    public void UnwrapPrefixedKey_Ios102ManifestKey_Gives32Bytes()
    {
        const string file = "Manifest-10-test123.plist";
        using var ring = john.Bags[file].UnlockWithKek(john.Keks[file]);
        var manifestKey = john.Manifests[file].GetData("ManifestKey");
        Assert.NotNull(manifestKey);
        Assert.Equal(44, manifestKey.Length);
        Assert.Equal(4, BitConverter.ToInt32(manifestKey, 0));
        var key = ring.UnwrapPrefixedKey(manifestKey, null, "ManifestKey");
        Assert.Equal(32, key.Length);
    }

    [FixtureTheory("john-keybags")]
    [InlineData("Manifest-9-test123.plist")]
    [InlineData("Manifest-9-123456.plist")]
    public void Unlock_WrongPassword_UnwrapsNoneAndThrowsWrongPassword(string file)
    {
        using var wrong = Secret.FromString("not-the-password");
        var e = Assert.Throws<BackupFormatException>(() => john.Bags[file].Unlock(wrong));
        Assert.Equal(BackupFormatError.WrongPassword, e.Error);
        Assert.DoesNotContain("not-the-password", e.Message, StringComparison.Ordinal);
    }

    [FixtureFact("john-keybags")]
    public void UnlockWithKek_WrongKekOnIos102_ThrowsWrongPassword()
    {
        // A wrong password through the 10M-round stage costs seconds; a wrong KEK exercises the same check.
        var kek = (byte[])john.Keks["Manifest-10-test123.plist"].Clone();
        kek[5] ^= 0x40;
        var e = Assert.Throws<BackupFormatException>(() => john.Bags["Manifest-10-test123.plist"].UnlockWithKek(kek));
        Assert.Equal(BackupFormatError.WrongPassword, e.Error);
    }

    [Fact]
    public void Parse_TruncatedRecord_ThrowsCorruptKeybagWithOffset()
    {
        var bytes = BackupKeybag.Create([KeybagTag.FromUInt32("VERS", 3), new KeybagTag("UUID", new byte[16])], []).ToBytes();
        var e = Assert.Throws<BackupFormatException>(() => BackupKeybag.Parse(bytes.AsSpan(0, bytes.Length - 3)));
        Assert.Equal(BackupFormatError.CorruptKeybag, e.Error);
        Assert.Contains("offset 12", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WrapTags_AssignedByPosition_UnknownTagsKept()
    {
        var bytes = BackupKeybag.Create(
            [KeybagTag.FromUInt32("VERS", 4), new KeybagTag("UUID", new byte[16]), KeybagTag.FromUInt32("WRAP", 0), new KeybagTag("ZZZZ", [9])],
            [[new KeybagTag("UUID", new byte[16]), KeybagTag.FromUInt32("CLAS", 3), KeybagTag.FromUInt32("WRAP", 3), new KeybagTag("QQQQ", [1, 2])]]).ToBytes();
        var bag = BackupKeybag.Parse(bytes);
        Assert.Equal(0, bag.Wrap);
        Assert.Contains(bag.HeaderTags, t => t.Name == "ZZZZ");
        var cls = Assert.Single(bag.ClassKeys);
        Assert.Equal(3, cls.Wrap);
        Assert.True(cls.IsDeviceBound);
        Assert.Contains(cls.Tags, t => t.Name == "QQQQ");
    }

    [Theory]
    [InlineData("ITER", 2147483647u)]
    [InlineData("DPIC", 2147483647u)]
    [InlineData("DPIC", 4294967295u)]
    public void Unlock_HostileIterationCount_FailsFastNamingTheField(string tag, uint count)
    {
        var bag = BackupKeybag.Parse(HostileBag(tag, count));
        using var password = Secret.FromString("0000");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var e = Assert.Throws<BackupFormatException>(() => bag.Unlock(password));

        Assert.Equal(BackupFormatError.CorruptKeybag, e.Error);
        Assert.Contains(tag, e.Message, StringComparison.Ordinal);
        Assert.Contains(count.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Unlock_CancelledDuringAllowedLargeDerivation_ReturnsPromptly()
    {
        // 90,000,000 rounds are accepted (below the cap) and take well over a minute here.
        var bag = BackupKeybag.Parse(HostileBag("DPIC", 90_000_000));
        using var password = Secret.FromString("0000");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(() => bag.Unlock(password, cancellation.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    /// <summary>An iOS 10.2+ style keybag header (no class keys) whose <paramref name="tag"/> says <paramref name="count"/>.</summary>
    private static byte[] HostileBag(string tag, uint count) =>
        BackupKeybag.Create(
            [
                KeybagTag.FromUInt32("VERS", 4),
                KeybagTag.FromUInt32("TYPE", 1),
                new KeybagTag("UUID", new byte[16]),
                KeybagTag.FromUInt32("WRAP", 0),
                new KeybagTag("SALT", new byte[20]),
                KeybagTag.FromUInt32("ITER", tag == "ITER" ? count : 10_000),
                KeybagTag.FromUInt32("DPWT", 1),
                KeybagTag.FromUInt32("DPIC", tag == "DPIC" ? count : 10_000),
                new KeybagTag("DPSL", new byte[20]),
            ],
            []).ToBytes();
}
