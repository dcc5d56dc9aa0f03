namespace Keepsake.Repository;

/// <summary>One problem found by check: the object's type and ID, and what is wrong.</summary>
public sealed record CheckProblem(string ObjectType, string ObjectId, string Message)
{
    public override string ToString() => $"{ObjectType} {ObjectId}: {Message}";
}
