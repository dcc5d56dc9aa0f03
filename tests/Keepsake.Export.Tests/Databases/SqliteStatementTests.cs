using Keepsake.Export.Databases;
using Keepsake.Export.Messages;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.Export.Tests.Databases;

public sealed class SqliteStatementTests
{
    // One value of every storage class and some awkward ones: the raw statement must read them as the data-reader helpers do.
    private static readonly string[] Values =
    [
        "NULL", "0", "42", "-7", "9223372036854775807", "3.75", "-2.5", "1e300", "'text'", "'123'", "' 12 '", "'12abc'", "''",
        "'caf\u00E9 \uD83D\uDE00'", "X''", "X'00FF10'", "CAST('blob text' AS BLOB)", "CAST('77' AS BLOB)",
    ];

    [Fact]
    public void Readers_EveryStorageClassThroughSqlitePcl_ConvertLikeTheDataReaderHelpers() => CompareWithDataReaderHelpers(native: false);

    [NativeSqliteFact]
    public void Readers_EveryStorageClassThroughDirectColumnReads_ConvertLikeTheDataReaderHelpers() => CompareWithDataReaderHelpers(native: true);

    [Fact]
    public void Available_OnDebianUnlessTurnedOff_IsTrue()
    {
        // Microsoft.Data.Sqlite ships e_sqlite3 for every platform; KEEPSAKE_SQLITE=managed turns the direct reads off.
        if (Environment.GetEnvironmentVariable("KEEPSAKE_SQLITE") != "managed")
        {
            Assert.True(SqliteNative.Available, "Microsoft.Data.Sqlite runs on e_sqlite3 here");
        }
    }

    private static void CompareWithDataReaderHelpers(bool native)
    {
        using var temp = new TempDirectory();
        using var connection = new SqliteConnection($"Data Source={temp.Combine("t.db")};Pooling=False");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (id INTEGER PRIMARY KEY, v); " + string.Concat(Values.Select((v, i) => $"INSERT INTO t VALUES ({i + 1}, {v});"));
            create.ExecuteNonQuery();
        }

        using var statement = SqliteStatement.Prepare(connection, "SELECT v FROM t WHERE id = ?1", native);
        var interner = new Utf8Interner();
        for (var id = 1; id <= Values.Length; id++)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT v FROM t WHERE id = {id}";
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            statement.Bind(1, id);
            Assert.True(statement.Step());
            var what = Values[id - 1];
            Assert.True(MessageReader.Text(reader, 0) == statement.Text(0), $"Text of {what}");
            Assert.True(MessageReader.Long(reader, 0) == statement.Int64(0), $"Int64 of {what}");
            Assert.True(reader.IsDBNull(0) == statement.IsNull(0), $"IsNull of {what}");
            Assert.True((MessageReader.Blob(reader, 0) ?? []).AsSpan().SequenceEqual(statement.Blob(0)), $"Blob of {what}");
            Assert.True(MessageReader.Text(reader, 0) == interner.Get(statement, 0), $"interned text of {what}");
            Assert.False(statement.Step());
            statement.Reset();
        }
    }

    [Fact]
    public void Interner_RepeatedValue_ReturnsOneInstance()
    {
        using var temp = new TempDirectory();
        using var connection = new SqliteConnection($"Data Source={temp.Combine("t.db")};Pooling=False");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('iMessage'), ('SMS'), ('iMessage');";
            create.ExecuteNonQuery();
        }

        using var statement = SqliteStatement.Prepare(connection, "SELECT v FROM t ORDER BY rowid");
        var interner = new Utf8Interner();
        var read = new List<string?>();
        while (statement.Step())
        {
            read.Add(interner.Get(statement, 0));
        }

        Assert.Equal(["iMessage", "SMS", "iMessage"], read);
        Assert.Same(read[0], read[2]);
    }

    [Fact]
    public void Prepare_BadSql_ThrowsSqliteException()
    {
        using var temp = new TempDirectory();
        using var connection = new SqliteConnection($"Data Source={temp.Combine("t.db")};Pooling=False");
        connection.Open();
        var error = Assert.Throws<SqliteException>(() => SqliteStatement.Prepare(connection, "SELECT x FROM nowhere"));
        Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadConnection_OpenFile_ReadsTheSameRowsWithoutTheSharedConnection()
    {
        using var temp = new TempDirectory();
        using var connection = new SqliteConnection($"Data Source={temp.Combine("t.db")};Pooling=False");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE message (v TEXT); INSERT INTO message VALUES ('one'), ('two');";
            create.ExecuteNonQuery();
        }

        // The rows are still in the -wal file: the database file (read from a copy) and its second connection must see them.
        Assert.True(File.Exists(temp.Combine("t.db-wal")));
        using var file = DatabaseFile.OpenPath(temp.Combine("t.db"));
        using var own = SqliteReadConnection.TryOpen(file, "message");
        Assert.NotNull(own);
        using var statement = SqliteStatement.Prepare(own.Handle, "SELECT v FROM message ORDER BY rowid", native: true);
        var read = new List<string?>();
        while (statement.Step())
        {
            read.Add(statement.Text(0));
        }

        Assert.Equal(["one", "two"], read);
    }

    [Fact]
    public void ReadConnection_NoSuchTable_GivesNull()
    {
        using var temp = new TempDirectory();
        using var connection = new SqliteConnection($"Data Source={temp.Combine("t.db")};Pooling=False");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE other (v TEXT);";
            create.ExecuteNonQuery();
        }

        using var file = DatabaseFile.OpenPath(temp.Combine("t.db"));
        Assert.Null(SqliteReadConnection.TryOpen(file, "message"));
    }

    /// <summary>A fact about the direct e_sqlite3 column reads: skipped, saying why, when they are not in use.</summary>
    [AttributeUsage(AttributeTargets.Method)]
    private sealed class NativeSqliteFactAttribute : FactAttribute
    {
        public NativeSqliteFactAttribute()
        {
            if (!SqliteNative.Available)
            {
                Skip = $"the direct e_sqlite3 reads are not in use (KEEPSAKE_SQLITE={Environment.GetEnvironmentVariable("KEEPSAKE_SQLITE") ?? "unset"}): nothing to compare";
            }
        }
    }
}
