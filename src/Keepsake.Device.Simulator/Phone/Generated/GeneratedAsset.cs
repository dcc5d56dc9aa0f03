namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>
/// A camera-roll asset (Photos.sqlite ZASSET Z_PK = <see cref="Id"/>) stored in CameraRollDomain at
/// <c>Media/<see cref="Directory"/>/<see cref="FileName"/></c>. A Live Photo has its video beside it
/// (<see cref="LivePhotoVideo"/>, same directory).
/// </summary>
public sealed record GeneratedAsset(long Id, string Directory, string FileName, GeneratedMediaKind Kind, long Size, DateTimeOffset Taken, double Latitude, double Longitude)
{
    public bool Favorite { get; init; }

    public bool Hidden { get; init; }

    public string? LivePhotoVideo { get; init; }

    public long LivePhotoVideoSize { get; init; }

    public IReadOnlyList<string> Albums { get; init; } = [];

    public bool IsVideo => Kind == GeneratedMediaKind.Mov;

    public string RelativePath => $"Media/{Directory}/{FileName}";
}
