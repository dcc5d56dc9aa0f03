using System.Runtime.InteropServices;

namespace Keepsake.Export.Databases;

/// <summary>
/// SQLite's column accessors called directly in the e_sqlite3 library that Microsoft.Data.Sqlite loads
/// (SQLitePCLRaw's bundle), with a raw statement pointer and without a GC transition: these calls only
/// read the current row, never block and never call back. Through SQLitePCLRaw each call also takes
/// and releases a SafeHandle reference, which doubled the cost of reading a row. Used only when that
/// library is the one SQLitePCLRaw uses (<see cref="Available"/>).
/// </summary>
internal static unsafe partial class SqliteNative
{
    private const string Library = "e_sqlite3";

    /// <summary>
    /// Whether SQLitePCLRaw runs on e_sqlite3, so that statement pointers belong to this library, and
    /// <c>KEEPSAKE_SQLITE=managed</c> does not turn the direct column reads off (to test the portable path).
    /// </summary>
    public static bool Available { get; } = IsInUse();

    private static bool IsInUse()
    {
        // Microsoft.Data.Sqlite sets the provider when its first connection is made; this may be asked before.
        SQLitePCL.Batteries_V2.Init();
        return string.Equals(SQLitePCL.raw.GetNativeLibraryName(), Library, StringComparison.Ordinal)
            && !string.Equals(Environment.GetEnvironmentVariable("KEEPSAKE_SQLITE"), "managed", StringComparison.OrdinalIgnoreCase);
    }

    [LibraryImport(Library, EntryPoint = "sqlite3_column_type")]
    [SuppressGCTransition]
    public static partial int ColumnType(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_int64")]
    [SuppressGCTransition]
    public static partial long ColumnInt64(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_double")]
    [SuppressGCTransition]
    public static partial double ColumnDouble(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_blob")]
    [SuppressGCTransition]
    public static partial byte* ColumnBlob(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_text")]
    [SuppressGCTransition]
    public static partial byte* ColumnText(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_bytes")]
    [SuppressGCTransition]
    public static partial int ColumnBytes(nint statement, int column);
}
