using System.Buffers.Binary;
using System.Security.Cryptography;
using Keepsake.BackupFormat.Crypto;

namespace Keepsake.BackupFormat.Keybag;

/// <summary>
/// The unwrapped class keys of an unlocked keybag. Unwraps per-file keys and the ManifestKey.
/// Dispose wipes the keys. Safe for concurrent use.
/// </summary>
public sealed class ClassKeyRing : IDisposable
{
    private readonly Dictionary<int, byte[]> _keys;
    private readonly HashSet<int> _deviceBound;
    private bool _disposed;

    internal ClassKeyRing(Dictionary<int, byte[]> keys, HashSet<int> deviceBound, int unwrappedCount)
    {
        _keys = keys;
        _deviceBound = deviceBound;
        UnwrappedCount = unwrappedCount;
    }

    /// <summary>How many class keys passed the RFC 3394 integrity check (device-bound ones included).</summary>
    public int UnwrappedCount { get; }

    /// <summary>Classes whose keys are usable here.</summary>
    public IReadOnlyCollection<int> AvailableClasses => _keys.Keys;

    /// <summary>Classes whose keys are also wrapped with the device UID key (WRAP bit 1).</summary>
    public IReadOnlyCollection<int> DeviceBoundClasses => _deviceBound;

    /// <summary>Whether a usable key exists for <paramref name="protectionClass"/>.</summary>
    public bool HasClass(int protectionClass) => _keys.ContainsKey(protectionClass);

    /// <summary>
    /// Unwraps a key stored as 4-byte little-endian class + RFC 3394-wrapped key (ManifestKey, MBFile EncryptionKey).
    /// The class comes from <paramref name="protectionClass"/> when given and nonzero, else from the prefix.
    /// </summary>
    /// <param name="prefixedWrappedKey">Class prefix + wrapped key.</param>
    /// <param name="protectionClass">The record's protection class, if it has one.</param>
    /// <param name="what">Where the key came from, for error messages.</param>
    public byte[] UnwrapPrefixedKey(ReadOnlySpan<byte> prefixedWrappedKey, int? protectionClass, string what)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (prefixedWrappedKey.Length < 4 + 24 || (prefixedWrappedKey.Length - 4) % 8 != 0)
        {
            throw new BackupFormatException(BackupFormatError.CorruptBlob, what, $"the wrapped key is {prefixedWrappedKey.Length} bytes; expected a 4-byte class and a wrapped key");
        }

        var cls = protectionClass is > 0 ? protectionClass.Value : (int)BinaryPrimitives.ReadUInt32LittleEndian(prefixedWrappedKey);
        return UnwrapKey(cls, prefixedWrappedKey[4..], what);
    }

    /// <summary>Unwraps <paramref name="wrappedKey"/> with the key of <paramref name="protectionClass"/>.</summary>
    public byte[] UnwrapKey(int protectionClass, ReadOnlySpan<byte> wrappedKey, string what)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_keys.TryGetValue(protectionClass, out var classKey))
        {
            if (_deviceBound.Contains(protectionClass))
            {
                throw new BackupFormatException(BackupFormatError.DeviceBoundKey, what, $"protection class {protectionClass} is bound to the device and cannot be decrypted off it");
            }

            throw new BackupFormatException(BackupFormatError.CorruptBlob, what, $"the keybag has no usable key for protection class {protectionClass}");
        }

        return AesKeyWrap.Unwrap(classKey, wrappedKey)
            ?? throw new BackupFormatException(BackupFormatError.CorruptBlob, what, $"the key does not unwrap with class {protectionClass} (integrity check failed)");
    }

    /// <summary>The raw class key (tests, and the writer's round trip). The caller must not keep it.</summary>
    internal byte[] GetClassKey(int protectionClass)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _keys[protectionClass];
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var key in _keys.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
