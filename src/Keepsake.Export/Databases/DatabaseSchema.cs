using Microsoft.Data.Sqlite;

namespace Keepsake.Export.Databases;

/// <summary>
/// The tables and columns of a database as found at run time (<c>PRAGMA table_info</c>), so that
/// queries name only columns that exist and read the others as NULL.
/// </summary>
public sealed class DatabaseSchema
{
    private readonly Dictionary<string, HashSet<string>> _tables;

    private DatabaseSchema(Dictionary<string, HashSet<string>> tables)
    {
        _tables = tables;
    }

    /// <summary>Table names.</summary>
    public IEnumerable<string> Tables => _tables.Keys;

    /// <summary>Reads the schema of an open connection.</summary>
    public static DatabaseSchema Read(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var names = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type IN ('table','view')";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }
        }

        var tables = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM pragma_table_info($t)";
            command.Parameters.AddWithValue("$t", name);
            try
            {
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    columns.Add(reader.GetString(0));
                }
            }
            catch (SqliteException)
            {
                // Virtual tables whose module is missing (FTS in AddressBook) cannot be described; skip them.
                continue;
            }

            tables[name] = columns;
        }

        return new DatabaseSchema(tables);
    }

    public bool HasTable(string table) => _tables.ContainsKey(table);

    public bool HasColumn(string table, string column) => _tables.TryGetValue(table, out var c) && c.Contains(column);

    /// <summary>The columns of <paramref name="table"/> (empty when the table is absent).</summary>
    public IReadOnlyCollection<string> Columns(string table) => _tables.TryGetValue(table, out var c) ? c : [];

    /// <summary>
    /// A select-list item: <c>alias.column AS column</c> when the column exists, else <c>NULL AS column</c>.
    /// Names come from code, never from data.
    /// </summary>
    public string Select(string table, string alias, string column, string? asName = null) =>
        HasColumn(table, column) ? $"{alias}.\"{column}\" AS \"{asName ?? column}\"" : $"NULL AS \"{asName ?? column}\"";

    /// <summary>The first of <paramref name="candidates"/> that exists in <paramref name="table"/>, or null.</summary>
    public string? FirstColumn(string table, params string[] candidates) =>
        candidates.FirstOrDefault(c => HasColumn(table, c));
}
