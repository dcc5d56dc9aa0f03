using System.Security.Cryptography;
using System.Text.Json;
using Keepsake.Primitives;
using Keepsake.Repository.Json;
using Org.BouncyCastle.Crypto.Generators;

namespace Keepsake.Repository.Crypto;

/// <summary>
/// A key file (<c>keys/&lt;id&gt;</c>): plain JSON with the scrypt parameters, a 64-byte salt and
/// the master key sealed with the key derived from the password. See
/// docs/design/repository-format.md, "Key files".
/// </summary>
public sealed class KeyFile
{
    private const int SaltLength = 64;

    private KeyFile(string id, string? hostname, string? username, DateTimeOffset? created, KdfParameters parameters)
    {
        Id = id;
        Hostname = hostname;
        Username = username;
        Created = created;
        Parameters = parameters;
    }

    /// <summary>The key file's storage ID.</summary>
    public string Id { get; }

    /// <summary>The host that created it (informational).</summary>
    public string? Hostname { get; }

    /// <summary>The user that created it (informational).</summary>
    public string? Username { get; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset? Created { get; }

    /// <summary>Its scrypt parameters.</summary>
    public KdfParameters Parameters { get; }

    /// <summary>Builds the key file bytes that seal <paramref name="master"/> under <paramref name="password"/>.</summary>
    internal static byte[] Create(MasterKey master, Secret password, KdfParameters parameters, string? hostname, string? username)
    {
        parameters.Validate();
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        using var user = Derive(password, salt, parameters);
        var masterJson = new MasterKeyJson
        {
            Mac = new MacKeyJson { K = master.MacK.ToArray(), R = master.MacR.ToArray() },
            Encrypt = master.EncryptionKey.ToArray(),
        };
        var plain = JsonSerializer.SerializeToUtf8Bytes(masterJson, RepositoryJsonContext.Go.MasterKeyJson);
        try
        {
            var json = new KeyFileJson
            {
                Created = GoTime.Format(DateTimeOffset.Now),
                Username = username,
                Hostname = hostname,
                Kdf = "scrypt",
                N = parameters.N,
                R = parameters.R,
                P = parameters.P,
                Salt = salt,
                Data = user.Seal(plain),
            };
            return JsonSerializer.SerializeToUtf8Bytes(json, RepositoryJsonContext.Go.KeyFileJson);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Reads a key file's public fields.</summary>
    /// <exception cref="RepositoryCorruptedException">The file is not a key file.</exception>
    internal static KeyFile Describe(string id, ReadOnlySpan<byte> bytes)
    {
        var json = Parse(id, bytes);
        GoTime.TryParse(json.Created, out var created);
        return new KeyFile(id, json.Hostname, json.Username, json.Created is null ? null : created, new KdfParameters(json.N, json.R, json.P));
    }

    /// <summary>Opens the master key, or returns null when the password does not fit this key file.</summary>
    /// <exception cref="RepositoryCorruptedException">The file is not a valid key file.</exception>
    internal static MasterKey? TryOpen(string id, ReadOnlySpan<byte> bytes, Secret password)
    {
        var json = Parse(id, bytes);
        var parameters = new KdfParameters(json.N, json.R, json.P);
        try
        {
            parameters.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new RepositoryCorruptedException("key", id, "scrypt parameters out of range", innerException: e);
        }

        if (json.Salt is not { Length: SaltLength } || json.Data is null)
        {
            throw new RepositoryCorruptedException("key", id, "salt or data missing or of the wrong length");
        }

        using var user = Derive(password, json.Salt, parameters);
        var plain = user.Open(json.Data);
        if (plain is null)
        {
            return null;
        }

        try
        {
            var master = JsonSerializer.Deserialize(plain, RepositoryJsonContext.Go.MasterKeyJson);
            if (master?.Mac?.K is not { Length: 16 } || master.Mac.R is not { Length: 16 } || master.Encrypt is not { Length: 32 })
            {
                throw new RepositoryCorruptedException("key", id, "the master key JSON lacks mac.k, mac.r or encrypt of the right lengths");
            }

            return new MasterKey(master.Encrypt, master.Mac.K, master.Mac.R);
        }
        catch (JsonException e)
        {
            throw new RepositoryCorruptedException("key", id, "the master key is not valid JSON", innerException: e);
        }
        catch (ArgumentException e)
        {
            throw new RepositoryCorruptedException("key", id, "the master key is invalid (a part is all zeros)", innerException: e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static KeyFileJson Parse(string id, ReadOnlySpan<byte> bytes)
    {
        try
        {
            var json = JsonSerializer.Deserialize(bytes, RepositoryJsonContext.Go.KeyFileJson);
            if (json is null || json.Kdf != "scrypt")
            {
                throw new RepositoryCorruptedException("key", id, $"unsupported KDF '{json?.Kdf}' (only scrypt)");
            }

            return json;
        }
        catch (JsonException e)
        {
            throw new RepositoryCorruptedException("key", id, "not valid key-file JSON", innerException: e);
        }
    }

    private static MasterKey Derive(Secret password, byte[] salt, KdfParameters parameters)
    {
        var derived = SCrypt.Generate(password.RevealUtf8().ToArray(), salt, parameters.N, parameters.R, parameters.P, 64);
        try
        {
            return new MasterKey(derived.AsSpan(0, 32), derived.AsSpan(32, 16), derived.AsSpan(48, 16));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }
}
