using System.Security.Cryptography;
using Keepsake.Primitives;

namespace Keepsake.BackupFormat.Crypto;

/// <summary>
/// Password → key-encryption key for a backup keybag: PBKDF2-HMAC-SHA256 (DPSL, DPIC) first when the
/// keybag has those tags (iOS 10.2+), then PBKDF2-HMAC-SHA1 (SALT, ITER), 32 bytes out.
/// See docs/design/backup-format.md, "Key derivation".
/// </summary>
public static class BackupKeyDerivation
{
    /// <summary>The length of every key this derivation produces.</summary>
    public const int KeyLength = 32;

    /// <summary>Derives the key-encryption key. The caller wipes the result.</summary>
    public static byte[] DeriveKek(Secret password, ReadOnlySpan<byte> salt, int iterations, ReadOnlySpan<byte> doubleProtectionSalt, int? doubleProtectionIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var passwordBytes = password.RevealUtf8();
        if (doubleProtectionIterations is { } dpic && !doubleProtectionSalt.IsEmpty)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(dpic, 1, nameof(doubleProtectionIterations));
            var first = Pbkdf2Sha256(passwordBytes, doubleProtectionSalt, dpic);
            try
            {
                return Rfc2898DeriveBytes.Pbkdf2(first, salt, iterations, HashAlgorithmName.SHA1, KeyLength);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(first);
            }
        }

        return Rfc2898DeriveBytes.Pbkdf2(passwordBytes, salt, iterations, HashAlgorithmName.SHA1, KeyLength);
    }

    /// <summary>PBKDF2-HMAC-SHA256 with a 32-byte result (the DPSL/DPIC stage on its own; used by the benchmark).</summary>
    public static byte[] Pbkdf2Sha256(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, KeyLength);
}
