namespace Keepsake.Device.Services.Afc;

/// <summary>AFC file open modes (wire values).</summary>
public enum AfcOpenMode : ulong
{
    ReadOnly = 1,
    ReadWrite = 2,
    /// <summary>"w": write only, created or truncated.</summary>
    WriteOnly = 3,
    WriteReadTruncate = 4,
    Append = 5,
    ReadAppend = 6,
}
