namespace Keepsake.Engine.Verify;

/// <summary>What <see cref="VerifyJob"/> checked and found. <see cref="IsOk"/> only when nothing failed.</summary>
public sealed record VerifyReport
{
    public required long FilesRead { get; init; }

    public required long BytesRead { get; init; }

    public required long EntriesDecrypted { get; init; }

    public required bool Encrypted { get; init; }

    /// <summary>Databases opened and queried: path → a one-line result (rows counted, integrity).</summary>
    public required IReadOnlyDictionary<string, string> Databases { get; init; }

    /// <summary>Every problem, each naming the file or entry.</summary>
    public required IReadOnlyList<string> Problems { get; init; }

    public bool IsOk => Problems.Count == 0;
}
