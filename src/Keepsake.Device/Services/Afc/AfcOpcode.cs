namespace Keepsake.Device.Services.Afc;

/// <summary>AFC packet operations (wire values, uint64 LE).</summary>
public enum AfcOpcode : ulong
{
    Status = 0x01,
    Data = 0x02,
    ReadDirectory = 0x03,
    RemovePath = 0x08,
    MakeDirectory = 0x09,
    GetFileInfo = 0x0A,
    GetDeviceInfo = 0x0B,
    FileOpen = 0x0D,
    FileOpenResult = 0x0E,
    FileRead = 0x0F,
    FileWrite = 0x10,
    FileSeek = 0x11,
    FileTell = 0x12,
    FileTellResult = 0x13,
    FileClose = 0x14,
    RenamePath = 0x18,
    FileLock = 0x1B,
}
