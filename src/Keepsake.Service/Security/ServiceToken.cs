using System.Security.Cryptography;
using System.Text;

namespace Keepsake.Service.Security;

/// <summary>
/// The API's bearer token: 32 random bytes, base64url, new at every start and written to an owner-only
/// file (0600 in a 0700 folder) that the CLI and the web app read. Compared in constant time; never logged.
/// </summary>
public sealed class ServiceToken
{
    private readonly byte[] _value;

    private ServiceToken(byte[] value) => _value = value;

    /// <summary>Makes a new token and writes it to <paramref name="path"/> (replacing any earlier one), owner-only from the first byte.</summary>
    public static ServiceToken CreateAndWrite(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var text = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var temporary = path + ".new";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(Encoding.ASCII.GetBytes(text + "\n"));
        }

        File.Move(temporary, path, overwrite: true);
        return new ServiceToken(Encoding.ASCII.GetBytes(text));
    }

    /// <summary>Reads the token a running service wrote (for clients); <see cref="FileNotFoundException"/> when there is none.</summary>
    public static string Read(string path) => File.ReadLines(path).FirstOrDefault()?.Trim() ?? string.Empty;

    /// <summary>Whether <paramref name="candidate"/> is the token, in time independent of where they differ.</summary>
    public bool Matches(ReadOnlySpan<char> candidate)
    {
        if (candidate.Length != _value.Length)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[candidate.Length];
        for (var i = 0; i < candidate.Length; i++)
        {
            bytes[i] = candidate[i] < 128 ? (byte)candidate[i] : (byte)0;
        }

        return CryptographicOperations.FixedTimeEquals(bytes, _value);
    }

    /// <summary>Never the token.</summary>
    public override string ToString() => "**redacted**";

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
