using Keepsake.Export.Databases;

namespace Keepsake.Export.Contacts;

/// <summary>
/// Maps phone numbers and e-mail addresses to display names, read from an AddressBook.sqlitedb
/// (ABPerson + ABMultiValue, properties 3 = phone and 4 = e-mail). Holds one entry per value.
/// </summary>
public sealed class ContactNames
{
    private readonly Dictionary<string, string> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _suffix = new(StringComparer.Ordinal);

    /// <summary>An empty book: every lookup misses.</summary>
    public static ContactNames Empty { get; } = new();

    /// <summary>Number of phone numbers and addresses known.</summary>
    public int Count => _exact.Count;

    /// <summary>Reads the names from an AddressBook database.</summary>
    public static ContactNames Read(DatabaseFile addressBook)
    {
        ArgumentNullException.ThrowIfNull(addressBook);
        var book = new ContactNames();
        var schema = addressBook.Schema;
        if (!schema.HasTable("ABPerson") || !schema.HasTable("ABMultiValue"))
        {
            return book;
        }

        using var command = addressBook.Connection.CreateCommand();
        command.CommandText = $"""
            SELECT v.value, {schema.Select("ABPerson", "p", "First")}, {schema.Select("ABPerson", "p", "Last")},
                   {schema.Select("ABPerson", "p", "Organization")}, {schema.Select("ABPerson", "p", "Nickname")}
            FROM ABMultiValue v JOIN ABPerson p ON p.ROWID = v.record_id
            WHERE v.property IN (3, 4) AND v.value IS NOT NULL
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var value = Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
            var name = ContactName.Format(Text(reader, 1), null, Text(reader, 2), Text(reader, 3), Text(reader, 4));
            if (name is not null)
            {
                book.Add(value, name);
            }
        }

        return book;
    }

    /// <summary>Adds one value (phone or e-mail) with its name.</summary>
    public void Add(string? handle, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var exact = PhoneNumberKey.Exact(handle);
        if (exact is null)
        {
            return;
        }

        _exact.TryAdd(exact, name);
        var suffix = PhoneNumberKey.Suffix(handle);
        if (suffix is not null)
        {
            // Two people sharing a suffix make it ambiguous: forget it rather than guess.
            if (_suffix.TryGetValue(suffix, out var existing) && existing != name)
            {
                _suffix[suffix] = null;
            }
            else
            {
                _suffix[suffix] = name;
            }
        }
    }

    /// <summary>The name for a handle, or null.</summary>
    public string? Find(string? handle)
    {
        var exact = PhoneNumberKey.Exact(handle);
        if (exact is null)
        {
            return null;
        }

        if (_exact.TryGetValue(exact, out var name))
        {
            return name;
        }

        var suffix = PhoneNumberKey.Suffix(handle);
        return suffix is not null && _suffix.TryGetValue(suffix, out var bySuffix) ? bySuffix : null;
    }

    private static string? Text(System.Data.Common.DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Convert.ToString(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
}
