using System.Security.Cryptography;
using System.Text;

namespace Keepsake.Primitives;

/// <summary>
/// A password, key or other secret. It never prints itself: <see cref="ToString"/> returns
/// <c>**redacted**</c>, so a secret that reaches a log line or an exception message by accident
/// leaks nothing. Read the value only where it is used, with <see cref="Reveal"/> or
/// <see cref="RevealUtf8"/>. <see cref="Dispose"/> wipes the copy held here.
/// </summary>
public sealed class Secret : IDisposable, IEquatable<Secret>
{
    /// <summary>What every secret prints as.</summary>
    public const string Redacted = "**redacted**";

    private readonly byte[] _bytes;
    private bool _disposed;

    private Secret(byte[] bytes) => _bytes = bytes;

    /// <summary>Wraps a text secret, kept as its UTF-8 bytes (no normalisation, no terminator).</summary>
    public static Secret FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new Secret(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Wraps a copy of binary key material.</summary>
    public static Secret FromBytes(ReadOnlySpan<byte> value) => new(value.ToArray());

    /// <summary>The number of bytes in the secret.</summary>
    public int Length => _bytes.Length;

    /// <summary>The secret's bytes (UTF-8 for text secrets). Do not keep the span beyond its use.</summary>
    public ReadOnlySpan<byte> RevealUtf8()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _bytes;
    }

    /// <summary>The secret as text. Prefer <see cref="RevealUtf8"/>: strings cannot be wiped.</summary>
    public string Reveal()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Encoding.UTF8.GetString(_bytes);
    }

    /// <inheritdoc />
    public override string ToString() => Redacted;

    /// <summary>Constant-time comparison.</summary>
    public bool Equals(Secret? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(_bytes, other._bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Secret s && Equals(s);

    /// <inheritdoc />
    public override int GetHashCode() => _bytes.Length;

    /// <summary>Wipes the bytes held by this instance.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        CryptographicOperations.ZeroMemory(_bytes);
        _disposed = true;
    }
}
