namespace Keepsake.Repository;

/// <summary>Everything check found. Errors mean damage; warnings (unreferenced packs) do not.</summary>
public sealed record CheckResult(IReadOnlyList<CheckProblem> Errors, IReadOnlyList<CheckProblem> Warnings, int Packs, int Snapshots, int Trees, long BytesRead)
{
    /// <summary>Whether no error was found.</summary>
    public bool IsOk => Errors.Count == 0;
}
