using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace Keepsake.Repository.Chunking;

/// <summary>
/// The repository's Rabin fingerprint polynomial over GF(2): an irreducible polynomial of degree
/// 53, stored in the config as lower-case hex without prefix (bit i is the coefficient of x^i).
/// </summary>
public readonly record struct ChunkerPolynomial(ulong Value)
{
    /// <summary>The degree (index of the highest set bit), or -1 for zero.</summary>
    public int Degree => 63 - BitOperations.LeadingZeroCount(Value);

    /// <summary>Parses the config's hex form.</summary>
    public static ChunkerPolynomial Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        return ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? new ChunkerPolynomial(value)
            : throw new FormatException($"'{hex}' is not a hex polynomial.");
    }

    /// <summary>
    /// A fresh random irreducible polynomial of degree 53: random low 53 bits with the x^53 and x^0
    /// coefficients set, drawn until the irreducibility test passes.
    /// </summary>
    public static ChunkerPolynomial CreateRandom()
    {
        Span<byte> bytes = stackalloc byte[8];
        for (var attempt = 0; attempt < 1_000_000; attempt++)
        {
            RandomNumberGenerator.Fill(bytes);
            var f = BitConverter.ToUInt64(bytes) & ((1UL << 54) - 1);
            f |= (1UL << 53) | 1;
            var candidate = new ChunkerPolynomial(f);
            if (candidate.IsIrreducible())
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("No irreducible polynomial found.");
    }

    /// <summary>
    /// Ben-Or's test: f of degree d is irreducible iff gcd(f, x^(2^i) − x mod f) = 1 for every
    /// i in 1..d/2.
    /// </summary>
    public bool IsIrreducible()
    {
        var degree = Degree;
        if (degree < 1)
        {
            return false;
        }

        ulong power = 2; // x
        for (var i = 1; i <= degree / 2; i++)
        {
            power = MulMod(power, power, Value); // x^(2^i)
            if (Gcd(Value, power ^ 2) != 1)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Hex, as stored in the config.</summary>
    public override string ToString() => Value.ToString("x", CultureInfo.InvariantCulture);

    internal static ulong Mod(ulong x, ulong d)
    {
        var dd = 63 - BitOperations.LeadingZeroCount(d);
        while (x != 0)
        {
            var dx = 63 - BitOperations.LeadingZeroCount(x);
            if (dx < dd)
            {
                break;
            }

            x ^= d << (dx - dd);
        }

        return x;
    }

    private static ulong MulMod(ulong a, ulong b, ulong f)
    {
        // Carry-less multiply of two polynomials below degree 64 into 128 bits, then reduce.
        UInt128 product = 0;
        for (var i = 0; i < 64; i++)
        {
            if ((b & (1UL << i)) != 0)
            {
                product ^= (UInt128)a << i;
            }
        }

        var deg = 63 - BitOperations.LeadingZeroCount(f);
        for (var bit = 127; bit >= deg; bit--)
        {
            if ((product & ((UInt128)1 << bit)) != 0)
            {
                product ^= (UInt128)f << (bit - deg);
            }
        }

        return (ulong)product;
    }

    private static ulong Gcd(ulong a, ulong b)
    {
        while (b != 0)
        {
            (a, b) = (b, Mod(a, b));
        }

        return a;
    }
}
