using System.Net.Sockets;
using Keepsake.Device.Services.MobileBackup2;
using Keepsake.Device.Transport;

namespace Keepsake.Cli.Tests;

/// <summary>The one mapping from exceptions to messages and exit codes, for what a phone does wrong.</summary>
public sealed class ErrorReporterTests
{
    [Fact]
    public void Classify_NoData_IsItsOwnCodeNotCorruptData()
    {
        var (code, message) = ErrorReporter.Classify(new Keepsake.Export.NoDataException(Keepsake.Export.ExportKind.WhatsApp, "WhatsApp", "AppDomainGroup-group.net.whatsapp.WhatsApp.shared/ChatStorage.sqlite"));

        Assert.Equal(ExitCodes.NoData, code);
        Assert.Equal(7, code);
        Assert.StartsWith("this backup holds no WhatsApp data", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_SqliteErrorOutsideAnExport_IsCorruptDataNotABug()
    {
        var (code, message) = ErrorReporter.Classify(new Microsoft.Data.Sqlite.SqliteException("file is not a database", 26));

        Assert.Equal(ExitCodes.CorruptData, code);
        Assert.Contains("SQLite error 26", message, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(InvalidDataException))]
    [InlineData(typeof(FormatException))]
    public void Classify_UnmappedBadDataError_IsCorruptDataWithItsMessage(Type type)
    {
        var exception = (Exception)Activator.CreateInstance(type, "block 7 is 3 bytes short")!;

        var (code, message) = ErrorReporter.Classify(exception);

        Assert.Equal(ExitCodes.CorruptData, code);
        Assert.Contains("block 7 is 3 bytes short", message, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_HungPhone_IsADeviceErrorThatSaysToUnlockIt()
    {
        var (code, message) = ErrorReporter.Classify(new TimeoutException("The device sent nothing for 120 s."));

        Assert.Equal(ExitCodes.DeviceError, code);
        Assert.Contains("stopped answering", message, StringComparison.Ordinal);
        Assert.Contains("Unlock it", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_SocketResetUnderAnIOException_IsADeviceErrorThatSaysToReconnect()
    {
        var reset = new IOException("Unable to read data from the transport connection: Connection reset by peer.", new SocketException((int)SocketError.ConnectionReset));

        var (code, message) = ErrorReporter.Classify(reset);

        Assert.Equal(ExitCodes.DeviceError, code);
        Assert.Contains("connection to the iPhone was lost", message, StringComparison.Ordinal);
        Assert.Contains("Reconnect the iPhone", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_StreamCutInsideAMessage_IsADeviceErrorThatSaysToReconnect()
    {
        var (code, message) = ErrorReporter.Classify(new DeviceDisconnectedException("The iPhone disconnected during Backup (3 files, 1000 bytes received; what was received is kept).", new EndOfStreamException()));

        Assert.Equal(ExitCodes.DeviceError, code);
        Assert.Contains("connection to the iPhone was lost", message, StringComparison.Ordinal);
        Assert.Contains("during Backup", message, StringComparison.Ordinal);
        Assert.Contains("Reconnect the iPhone", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_BadFraming_IsADeviceErrorThatSaysToReconnect()
    {
        var (code, message) = ErrorReporter.Classify(new DeviceProtocolException("File-transfer block length 99999999 exceeds 16777216."));

        Assert.Equal(ExitCodes.DeviceError, code);
        Assert.Contains("Reconnect the iPhone", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_DiskFullWrappedInAVaultStorageError_IsDiskFull()
    {
        var full = new IOException("No space left on device", 28);
        var (code, message) = ErrorReporter.Classify(new Keepsake.Repository.Backends.BackendException("Saving pack 'ab' failed: No space left on device", isTransient: false, full));

        Assert.Equal(ExitCodes.DiskFull, code);
        Assert.StartsWith("the disk is full", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_CancellationCausedByAFullDisk_IsDiskFullNotInterrupted()
    {
        var (code, _) = ErrorReporter.Classify(new OperationCanceledException("pipeline stopped", new IOException("No space left on device", 28)));

        Assert.Equal(ExitCodes.DiskFull, code);
    }

    [Fact]
    public void Classify_PlainDiskIOError_StaysAnIOError()
    {
        var (code, message) = ErrorReporter.Classify(new IOException("Input/output error"));

        Assert.Equal(ExitCodes.Failure, code);
        Assert.StartsWith("I/O error", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_ChangePasswordRefusedForTheOldPassword_IsWrongPassword()
    {
        var (code, message) = ErrorReporter.Classify(new MobileBackup2Exception("ChangePassword", 207, "Wrong old backup password"));

        Assert.Equal(ExitCodes.WrongPassword, code);
        Assert.Contains("Nothing was changed", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_UnforeseenException_NeverShowsTheTypeNameAndSaysHowToReport()
    {
        var (code, message) = ErrorReporter.Classify(new InvalidCastException("Unable to cast object of type 'X' to type 'Y'."));

        Assert.Equal(ExitCodes.Failure, code);
        Assert.DoesNotContain(nameof(InvalidCastException), message, StringComparison.Ordinal);
        Assert.Contains("KEEPSAKE_DEBUG=1", message, StringComparison.Ordinal);
    }
}
