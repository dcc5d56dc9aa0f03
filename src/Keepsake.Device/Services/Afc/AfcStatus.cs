namespace Keepsake.Device.Services.Afc;

/// <summary>AFC status codes carried by STATUS replies (wire values).</summary>
public enum AfcStatus : ulong
{
    Success = 0,
    UnknownError = 1,
    OperationHeaderInvalid = 2,
    NoResources = 3,
    ReadError = 4,
    WriteError = 5,
    UnknownPacketType = 6,
    InvalidArgument = 7,
    ObjectNotFound = 8,
    ObjectIsDirectory = 9,
    PermissionDenied = 10,
    ServiceNotConnected = 11,
    OperationTimeout = 12,
    TooMuchData = 13,
    EndOfData = 14,
    OperationNotSupported = 15,
    ObjectExists = 16,
    ObjectBusy = 17,
    NoSpaceLeft = 18,
    OperationWouldBlock = 19,
    IOError = 20,
}
