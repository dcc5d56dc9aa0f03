namespace Keepsake.BackupFormat.Keybag;

/// <summary>
/// One class-key record of a keybag (the tags from a UUID up to the next UUID).
/// </summary>
public sealed class KeybagClassKey
{
    /// <summary>WRAP bit: wrapped with the device's hardware UID key (unusable off the device).</summary>
    public const int WrapDevice = 1;

    /// <summary>WRAP bit: wrapped with the password-derived key.</summary>
    public const int WrapPassword = 2;

    internal KeybagClassKey(IReadOnlyList<KeybagTag> tags)
    {
        Tags = tags;
        foreach (var tag in tags)
        {
            switch (tag.Name)
            {
                case "UUID":
                    Uuid ??= tag.Value;
                    break;
                case "CLAS":
                    ProtectionClass = (int?)tag.UInt32Value;
                    break;
                case "WRAP":
                    Wrap = (int?)tag.UInt32Value;
                    break;
                case "KTYP":
                    KeyType = (int?)tag.UInt32Value;
                    break;
                case "WPKY":
                    WrappedKey = tag.Value;
                    break;
                case "PBKY":
                    PublicKey = tag.Value;
                    break;
            }
        }
    }

    /// <summary>Every tag of the record in file order, unknown ones included.</summary>
    public IReadOnlyList<KeybagTag> Tags { get; }

    public byte[]? Uuid { get; }

    /// <summary>CLAS: the Data Protection class (1..11).</summary>
    public int? ProtectionClass { get; }

    /// <summary>WRAP bit flags (<see cref="WrapDevice"/>, <see cref="WrapPassword"/>).</summary>
    public int? Wrap { get; }

    /// <summary>KTYP: 0 AES, 1 Curve25519.</summary>
    public int? KeyType { get; }

    /// <summary>WPKY: the wrapped class key (40 bytes for a 32-byte key).</summary>
    public byte[]? WrappedKey { get; }

    /// <summary>PBKY: public key of an asymmetric class.</summary>
    public byte[]? PublicKey { get; }

    /// <summary>Whether the key is also wrapped with the device's hardware key.</summary>
    public bool IsDeviceBound => ((Wrap ?? 0) & WrapDevice) != 0;

    /// <summary>Whether the key is wrapped with the password-derived key.</summary>
    public bool IsPasswordWrapped => ((Wrap ?? 0) & WrapPassword) != 0;
}
