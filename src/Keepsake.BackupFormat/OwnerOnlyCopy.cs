using Keepsake.Primitives;

namespace Keepsake.BackupFormat;

/// <summary>Copies the plaintext of a backup entry into a new owner-only (0600) file, streamed.</summary>
public static class OwnerOnlyCopy
{
    /// <summary>
    /// Writes the content of <paramref name="entry"/> to <paramref name="target"/>, which must not exist,
    /// created 0600 whatever the umask (the content may be decrypted phone data).
    /// </summary>
    public static async Task CopyEntryAsync(IBackupFileSource source, BackupEntry entry, string target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(target);
        var input = source.OpenRead(entry);
        await using (input.ConfigureAwait(false))
        {
            var output = OwnerOnlyFile.Create(target);
            await using (output.ConfigureAwait(false))
            {
                await input.CopyToAsync(output, 1 << 20, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
