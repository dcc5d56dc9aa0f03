using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Keepsake.Export.Databases;

/// <summary>
/// A prepared SQLite statement read through SQLite's C API (the one Microsoft.Data.Sqlite wraps),
/// for the hot loops of an export: binding, stepping and reading typed columns without a data reader
/// per execution and without boxing. Column values are read with <see cref="SqliteNative"/> when
/// available. Blobs are read as spans into SQLite's own buffer (valid until the next <see cref="Step"/>
/// or <see cref="Reset"/>). Values convert like <c>MessageReader.Text/Long</c>: a column of another
/// storage class than expected is converted, never an error. Used on one thread at a time, like the
/// connection.
/// </summary>
internal sealed unsafe class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly nint _handle;
    private bool _referenced;

    private SqliteStatement(sqlite3 db, sqlite3_stmt statement, bool native)
    {
        _db = db;
        _statement = statement;
        if (native)
        {
            // Keeps the pointer valid while this object reads through it; released in Dispose.
            statement.DangerousAddRef(ref _referenced);
            _handle = statement.DangerousGetHandle();
        }
    }

    /// <summary>Prepares <paramref name="sql"/> on the connection.</summary>
    /// <exception cref="SqliteException">The SQL does not compile.</exception>
    public static SqliteStatement Prepare(SqliteConnection connection, string sql) => Prepare(connection, sql, SqliteNative.Available);

    /// <summary>Prepares <paramref name="sql"/>; <paramref name="native"/> false reads columns through SQLitePCLRaw only (tests compare both ways).</summary>
    internal static SqliteStatement Prepare(SqliteConnection connection, string sql, bool native)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return Prepare(connection.Handle ?? throw new InvalidOperationException("The connection is not open."), sql, native);
    }

    /// <summary>Prepares <paramref name="sql"/> on a connection opened through SQLite's C API (<see cref="SqliteReadConnection"/>).</summary>
    internal static SqliteStatement Prepare(sqlite3 db, string sql, bool native)
    {
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
        }

        return new SqliteStatement(db, statement, native && SqliteNative.Available);
    }

    /// <summary>Binds an integer to parameter <paramref name="index"/> (1-based).</summary>
    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>Binds a string to parameter <paramref name="index"/> (1-based).</summary>
    public void Bind(int index, string value) => Check(raw.sqlite3_bind_text(_statement, index, value));

    /// <summary>Advances to the next row; false when there is none.</summary>
    /// <exception cref="SqliteException">SQLite reported an error (corrupt file, I/O error...).</exception>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }

        throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
    }

    /// <summary>Makes the statement ready to run again (bindings are kept).</summary>
    public void Reset() => raw.sqlite3_reset(_statement);

    public bool IsNull(int column) => Type(column) == raw.SQLITE_NULL;

    /// <summary>Whether the column holds text (not NULL, a blob or a number).</summary>
    public bool IsText(int column) => Type(column) == raw.SQLITE_TEXT;

    /// <summary>Whether the column holds a blob (not NULL, text or a number).</summary>
    public bool IsBlob(int column) => Type(column) == raw.SQLITE_BLOB;

    /// <summary>Whether the column holds a number (integer or real) in [<paramref name="from"/>, <paramref name="to"/>), compared as SQLite compares it.</summary>
    public bool IsNumberInRange(int column, long from, long to) => Type(column) switch
    {
        raw.SQLITE_INTEGER => Int64(column) is var n && n >= from && n < to,
        raw.SQLITE_FLOAT => Double(column) is var d && d >= from && d < to,
        _ => false,
    };

    /// <summary>An integer; NULL and blobs → 0, reals truncated, text parsed (0 when it is no integer).</summary>
    public long Int64(int column)
    {
        switch (Type(column))
        {
            case raw.SQLITE_INTEGER:
                return _handle != 0 ? SqliteNative.ColumnInt64(_handle, column) : raw.sqlite3_column_int64(_statement, column);
            case raw.SQLITE_FLOAT:
                return (long)Double(column);
            case raw.SQLITE_TEXT:
                return long.TryParse(TextBytes(column), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            default:
                return 0;
        }
    }

    /// <summary>Text; NULL → null, a blob is read as UTF-8, numbers are formatted invariantly.</summary>
    public string? Text(int column)
    {
        switch (Type(column))
        {
            case raw.SQLITE_TEXT:
                return Encoding.UTF8.GetString(TextBytes(column));
            case raw.SQLITE_BLOB:
                return Encoding.UTF8.GetString(Blob(column));
            case raw.SQLITE_INTEGER:
                return Int64(column).ToString(CultureInfo.InvariantCulture);
            case raw.SQLITE_FLOAT:
                return Double(column).ToString(CultureInfo.InvariantCulture);
            default:
                return null;
        }
    }

    /// <summary>The UTF-8 bytes of the column as text (empty for NULL), valid until the next step; SQLite converts the value to text first, as it requires before asking its length.</summary>
    public ReadOnlySpan<byte> TextBytes(int column)
    {
        if (_handle != 0)
        {
            var text = SqliteNative.ColumnText(_handle, column);
            var length = SqliteNative.ColumnBytes(_handle, column);
            return text is null || length == 0 ? [] : new ReadOnlySpan<byte>(text, length);
        }

        var value = raw.sqlite3_column_text(_statement, column);
        var count = raw.sqlite3_column_bytes(_statement, column);
        return count == 0 ? [] : MemoryMarshal.CreateReadOnlySpan(in value.GetPinnableReference(), count);
    }

    /// <summary>A blob column's bytes, valid until the next step; empty when the column is no blob.</summary>
    public ReadOnlySpan<byte> Blob(int column)
    {
        if (Type(column) != raw.SQLITE_BLOB)
        {
            return [];
        }

        if (_handle != 0)
        {
            var blob = SqliteNative.ColumnBlob(_handle, column);
            var length = SqliteNative.ColumnBytes(_handle, column);
            return blob is null || length == 0 ? [] : new ReadOnlySpan<byte>(blob, length);
        }

        return raw.sqlite3_column_blob(_statement, column);
    }

    public void Dispose()
    {
        if (_referenced)
        {
            _referenced = false;
            _statement.DangerousRelease();
        }

        _statement.Dispose();
    }

    private int Type(int column) => _handle != 0 ? SqliteNative.ColumnType(_handle, column) : raw.sqlite3_column_type(_statement, column);

    private double Double(int column) => _handle != 0 ? SqliteNative.ColumnDouble(_handle, column) : raw.sqlite3_column_double(_statement, column);

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
        }
    }
}
