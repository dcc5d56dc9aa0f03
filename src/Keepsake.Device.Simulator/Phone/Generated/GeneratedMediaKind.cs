namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>The kinds of file the generated phone makes (see Phone/Media/README.md).</summary>
public enum GeneratedMediaKind
{
    Jpeg,
    Heic,
    Mov,
    M4a,
    Pdf,
    Amr,
}
