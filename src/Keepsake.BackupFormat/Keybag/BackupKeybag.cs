using System.Buffers.Binary;
using System.Security.Cryptography;
using Keepsake.BackupFormat.Crypto;
using Keepsake.Primitives;

namespace Keepsake.BackupFormat.Keybag;

/// <summary>
/// The backup keybag (Manifest.plist <c>BackupKeyBag</c>): a flat TLV sequence (4-byte ASCII tag,
/// 4-byte big-endian length, value). Tags before the second UUID form the header; each later UUID
/// starts a class-key record. Unknown tags are kept. See docs/design/backup-format.md, "Keybag".
/// </summary>
public sealed class BackupKeybag
{
    /// <summary>Largest keybag accepted (real ones are about 1.4 KB).</summary>
    public const int MaxLength = 1 << 20;

    private BackupKeybag(IReadOnlyList<KeybagTag> header, IReadOnlyList<KeybagClassKey> classKeys)
    {
        HeaderTags = header;
        ClassKeys = classKeys;
    }

    /// <summary>Header tags in file order (unknown ones included).</summary>
    public IReadOnlyList<KeybagTag> HeaderTags { get; }

    /// <summary>Class-key records in file order.</summary>
    public IReadOnlyList<KeybagClassKey> ClassKeys { get; }

    public int? Version => (int?)Header("VERS")?.UInt32Value;

    /// <summary>TYPE: 0 System, 1 Backup, 2 Escrow, 3 OTA.</summary>
    public int? Type => (int?)Header("TYPE")?.UInt32Value;

    public byte[]? Uuid => Header("UUID")?.Value;

    /// <summary>Header WRAP (keybag wrap type), not a class's WRAP.</summary>
    public int? Wrap => (int?)Header("WRAP")?.UInt32Value;

    /// <summary>SALT for the PBKDF2-SHA1 stage.</summary>
    public byte[]? Salt => Header("SALT")?.Value;

    /// <summary>ITER for the PBKDF2-SHA1 stage.</summary>
    public int? Iterations => ToInt(Header("ITER")?.UInt32Value);

    /// <summary>DPSL for the PBKDF2-SHA256 stage (iOS 10.2+).</summary>
    public byte[]? DoubleProtectionSalt => Header("DPSL")?.Value;

    /// <summary>DPIC for the PBKDF2-SHA256 stage (iOS 10.2+).</summary>
    public int? DoubleProtectionIterations => ToInt(Header("DPIC")?.UInt32Value);

    /// <summary>Whether the key derivation has the PBKDF2-SHA256 stage (both DPSL and DPIC present).</summary>
    public bool HasDoubleProtection => DoubleProtectionSalt is not null && DoubleProtectionIterations is not null;

    /// <summary>Parses a keybag. Damaged input raises <see cref="BackupFormatException"/> (CorruptKeybag) naming the offset.</summary>
    public static BackupKeybag Parse(ReadOnlySpan<byte> data, string? path = "Manifest.plist")
    {
        if (data.Length > MaxLength)
        {
            throw new BackupFormatException(BackupFormatError.CorruptKeybag, path, $"keybag is {data.Length} bytes, more than the {MaxLength} accepted");
        }

        var header = new List<KeybagTag>();
        var classes = new List<KeybagClassKey>();
        List<KeybagTag>? current = null;
        var uuidCount = 0;
        var offset = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < 8)
            {
                throw new BackupFormatException(BackupFormatError.CorruptKeybag, path, $"keybag record header truncated at offset {offset}");
            }

            var name = KeybagTag.NameOf(data.Slice(offset, 4));
            var length = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset + 4, 4));
            if (length > (uint)(data.Length - offset - 8))
            {
                throw new BackupFormatException(BackupFormatError.CorruptKeybag, path, $"keybag tag '{name}' at offset {offset} claims {length} bytes; only {data.Length - offset - 8} remain");
            }

            var tag = new KeybagTag(name, data.Slice(offset + 8, (int)length).ToArray());
            offset += 8 + (int)length;
            if (name == "UUID" && ++uuidCount >= 2)
            {
                if (current is not null)
                {
                    classes.Add(new KeybagClassKey(current));
                }

                current = [];
            }

            (current ?? header).Add(tag);
        }

        if (current is not null)
        {
            classes.Add(new KeybagClassKey(current));
        }

        return new BackupKeybag(header, classes);
    }

    /// <summary>Builds a keybag from tags (used by the backup writer).</summary>
    public static BackupKeybag Create(IReadOnlyList<KeybagTag> header, IEnumerable<IReadOnlyList<KeybagTag>> classRecords)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(classRecords);
        return new BackupKeybag(header, classRecords.Select(r => new KeybagClassKey(r)).ToList());
    }

    /// <summary>The TLV bytes: header tags, then each class record's tags.</summary>
    public byte[] ToBytes()
    {
        var all = HeaderTags.Concat(ClassKeys.SelectMany(c => c.Tags)).ToList();
        var output = new byte[all.Sum(t => 8 + t.Value.Length)];
        var offset = 0;
        foreach (var tag in all)
        {
            if (tag.Name.Length != 4)
            {
                throw new InvalidOperationException($"Keybag tag '{tag.Name}' is not 4 characters.");
            }

            System.Text.Encoding.ASCII.GetBytes(tag.Name, output.AsSpan(offset, 4));
            BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(offset + 4), (uint)tag.Value.Length);
            tag.Value.CopyTo(output, offset + 8);
            offset += 8 + tag.Value.Length;
        }

        return output;
    }

    /// <summary>
    /// Derives the key-encryption key from the password (slow: up to 10⁷ PBKDF2 rounds; cancellable). The caller wipes it.
    /// An ITER or DPIC above <see cref="BackupKeyDerivation.MaxIterations"/> raises CorruptKeybag naming the field, before any round.
    /// </summary>
    public byte[] DeriveKek(Secret password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = Salt ?? throw new BackupFormatException(BackupFormatError.CorruptKeybag, "Manifest.plist", "keybag has no SALT");
        var iterations = Iterations is { } i && i > 0 ? i : throw new BackupFormatException(BackupFormatError.CorruptKeybag, "Manifest.plist", "keybag has no usable ITER");
        CheckIterations("ITER");
        if (HasDoubleProtection)
        {
            if (DoubleProtectionIterations is not > 0)
            {
                throw new BackupFormatException(BackupFormatError.CorruptKeybag, "Manifest.plist", "keybag DPIC is 0");
            }

            CheckIterations("DPIC");
        }

        return BackupKeyDerivation.DeriveKek(password, salt, iterations, HasDoubleProtection ? DoubleProtectionSalt : default, HasDoubleProtection ? DoubleProtectionIterations : null, cancellationToken);
    }

    /// <summary>
    /// Derives the key-encryption key and unwraps every password-wrapped class key.
    /// Throws <see cref="BackupFormatException"/> with <see cref="BackupFormatError.WrongPassword"/> when none passes the integrity check.
    /// </summary>
    public ClassKeyRing Unlock(Secret password, CancellationToken cancellationToken = default)
    {
        var kek = DeriveKek(password, cancellationToken);
        try
        {
            return UnlockWithKek(kek);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <summary>Unwraps the class keys with an already derived key-encryption key.</summary>
    public ClassKeyRing UnlockWithKek(ReadOnlySpan<byte> kek)
    {
        var keys = new Dictionary<int, byte[]>();
        var deviceBound = new HashSet<int>();
        var unwrapped = 0;
        foreach (var record in ClassKeys)
        {
            if (record.ProtectionClass is not { } cls || record.WrappedKey is not { Length: >= 24 } wrapped || wrapped.Length % 8 != 0 || !record.IsPasswordWrapped)
            {
                continue;
            }

            var key = AesKeyWrap.Unwrap(kek, wrapped);
            if (key is null)
            {
                continue;
            }

            unwrapped++;
            if (record.IsDeviceBound)
            {
                // The password layer came off, but the key is still wrapped with the device UID key.
                CryptographicOperations.ZeroMemory(key);
                deviceBound.Add(cls);
                continue;
            }

            keys[cls] = key;
        }

        if (unwrapped == 0)
        {
            throw new BackupFormatException(BackupFormatError.WrongPassword, null, "the password does not unlock this backup (no class key passed the key-unwrap integrity check)");
        }

        return new ClassKeyRing(keys, deviceBound, unwrapped);
    }

    private KeybagTag? Header(string name) => HeaderTags.FirstOrDefault(t => t.Name == name);

    private void CheckIterations(string tag)
    {
        if (Header(tag)?.UInt32Value is { } count && count > BackupKeyDerivation.MaxIterations)
        {
            throw new BackupFormatException(
                BackupFormatError.CorruptKeybag,
                "Manifest.plist",
                $"keybag {tag} is {count.ToString(System.Globalization.CultureInfo.InvariantCulture)} iterations, more than the {BackupKeyDerivation.MaxIterations.ToString(System.Globalization.CultureInfo.InvariantCulture)} accepted");
        }
    }

    private static int? ToInt(uint? value) => value is null ? null : (int)Math.Min(value.Value, int.MaxValue);
}
