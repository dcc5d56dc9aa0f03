using System.Security.Cryptography;
using System.Text;

namespace Keepsake.BackupFormat;

/// <summary>The file ID of a Manifest row: lower-case hex SHA-1 of UTF-8 "domain-relativePath".</summary>
public static class BackupFileId
{
    /// <summary>Computes the file ID (no Unicode normalisation: the bytes are the device's).</summary>
    public static string Compute(string domain, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(relativePath);
        var bytes = Encoding.UTF8.GetBytes(domain + "-" + relativePath);
        return Convert.ToHexStringLower(SHA1.HashData(bytes));
    }

    /// <summary>Where the blob of <paramref name="fileId"/> lives: "xx/fileID" (Manifest.db) or "fileID" (mbdb).</summary>
    public static string BlobPath(string fileId, bool nested) =>
        nested ? Path.Combine(fileId[..2], fileId) : fileId;
}
