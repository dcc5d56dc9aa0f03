namespace Keepsake.Repository.Crypto;

/// <summary>scrypt cost parameters stored in a key file (N must be a power of two above 1).</summary>
public sealed record KdfParameters(int N, int R, int P)
{
    /// <summary>restic's defaults (N = 2^15, r = 8, p = 1).</summary>
    public static KdfParameters Default { get; } = new(32768, 8, 1);

    /// <summary>Cheap parameters for tests (N = 2^10); restic accepts them.</summary>
    public static KdfParameters Fast { get; } = new(1024, 8, 1);

    internal void Validate()
    {
        if (N <= 1 || (N & (N - 1)) != 0 || N > 1 << 24 || R <= 0 || R > 64 || P <= 0 || P > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(N), "scrypt parameters out of range (N a power of two up to 2^24, r 1..64, p 1..16).");
        }
    }
}
