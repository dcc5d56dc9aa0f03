using System.Security.Cryptography;
using Keepsake.Primitives;

namespace Keepsake.BackupFormat.Crypto;

/// <summary>
/// Password → key-encryption key for a backup keybag: PBKDF2-HMAC-SHA256 (DPSL, DPIC) first when the
/// keybag has those tags (iOS 10.2+), then PBKDF2-HMAC-SHA1 (SALT, ITER), 32 bytes out.
/// Iteration counts are capped at <see cref="MaxIterations"/>, and a derivation given a cancellable token
/// returns as soon as the token is cancelled. See docs/design/backup-format.md, "Key derivation".
/// </summary>
public static class BackupKeyDerivation
{
    /// <summary>The length of every key this derivation produces.</summary>
    public const int KeyLength = 32;

    /// <summary>
    /// The largest ITER or DPIC accepted: ten times the 10,000,000 DPIC iOS writes, so that a hostile keybag
    /// cannot make an open take hours (2^31-1 rounds is about ten minutes here).
    /// </summary>
    public const int MaxIterations = 100_000_000;

    /// <summary>
    /// Derives the key-encryption key. The caller wipes the result. With a cancellable
    /// <paramref name="cancellationToken"/>, the PBKDF2 rounds run on a worker thread and a cancelled caller
    /// gets <see cref="OperationCanceledException"/> at once; the abandoned rounds (at most
    /// <see cref="MaxIterations"/>) finish in the background and their result is wiped.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An iteration count is below 1 or above <see cref="MaxIterations"/>.</exception>
    public static byte[] DeriveKek(Secret password, ReadOnlySpan<byte> salt, int iterations, ReadOnlySpan<byte> doubleProtectionSalt, int? doubleProtectionIterations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        var doubleProtection = doubleProtectionIterations is not null && !doubleProtectionSalt.IsEmpty;
        if (doubleProtection)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(doubleProtectionIterations!.Value, 1, nameof(doubleProtectionIterations));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(doubleProtectionIterations.Value, MaxIterations, nameof(doubleProtectionIterations));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!cancellationToken.CanBeCanceled)
        {
            return Derive(password.RevealUtf8(), salt, iterations, doubleProtectionSalt, doubleProtection ? doubleProtectionIterations : null);
        }

        // PBKDF2 cannot be resumed through the platform's (OpenSSL) implementation, and rounds computed here in
        // slices through IncrementalHash measured 1.5 to 2.5 times slower: the rounds run whole on a worker thread.
        var passwordCopy = password.RevealUtf8().ToArray();
        var saltCopy = salt.ToArray();
        var dpslCopy = doubleProtectionSalt.ToArray();
        int? dpic = doubleProtection ? doubleProtectionIterations : null;
        var work = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    return Derive(passwordCopy, saltCopy, iterations, dpslCopy, dpic);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(passwordCopy);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        try
        {
            work.Wait(cancellationToken);
            return work.Result;
        }
        catch (OperationCanceledException)
        {
            _ = work.ContinueWith(static t => CryptographicOperations.ZeroMemory(t.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }

    private static byte[] Derive(ReadOnlySpan<byte> passwordBytes, ReadOnlySpan<byte> salt, int iterations, ReadOnlySpan<byte> doubleProtectionSalt, int? doubleProtectionIterations)
    {
        if (doubleProtectionIterations is { } dpic)
        {
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
