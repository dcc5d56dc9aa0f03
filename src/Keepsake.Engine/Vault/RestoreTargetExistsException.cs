namespace Keepsake.Engine.Vault;

/// <summary>A restore's target folder already holds something that is not an interrupted restore of Keepsake's.</summary>
public sealed class RestoreTargetExistsException(string folder)
    : IOException($"'{folder}' already exists and is not an interrupted restore; give --overwrite to replace it, or choose another destination.")
{
    /// <summary>The folder that is in the way.</summary>
    public string Folder { get; } = folder;
}
