using Keepsake.Export.Messages.TypedStream;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.Export.Tests.Messages.TypedStream;

/// <summary>
/// The fast path must give exactly what the generic decoder gives, or give up: checked on every
/// fixture blob, on every body of the fixture databases, and on truncated and corrupted variants.
/// </summary>
public sealed class AttributedBodyFastPathTests
{
    [Fact]
    public void TryDecode_GeneratedBody_DecodesLikeTheGenericReader()
    {
        var blob = TestBlobs.TextOnly("Hello caf\u00E9 \uD83D\uDE00");
        var fast = AttributedBodyFastPath.TryDecode(blob);
        Assert.NotNull(fast);
        AssertSame(AttributedBodyDecoder.DecodeGeneric(blob), fast);
    }

    [FixtureFact("imessage-exporter-blobs/typedstream")]
    public void TryDecode_FixtureBlobs_AgreesWithTheGenericReaderOrGivesUp()
    {
        var decoded = 0;
        var slow = new List<string>();
        foreach (var file in Directory.GetFiles(Fixtures.Path("imessage-exporter-blobs", "typedstream")).Order(StringComparer.Ordinal))
        {
            if (Compare(File.ReadAllBytes(file), Path.GetFileName(file)))
            {
                decoded++;
            }
            else
            {
                slow.Add(Path.GetFileName(file));
            }
        }

        // Plain text, mentions, links, data detectors, attachments, formatting: all but the corrupt one take the fast path.
        Assert.Equal(["ExtraData"], slow);
        Assert.True(decoded >= 34);
    }

    [FixtureFact("langchain-imessage-chatdb")]
    public void TryDecode_FixtureDatabaseBodies_AgreesWithTheGenericReader()
    {
        var count = 0;
        foreach (var db in new[] { Fixtures.Path("langchain-imessage-chatdb", "imessage_chat.db"), Fixtures.Path("magnet-ctf2020-smsdb", "sms.db"), Fixtures.Path("imessage-exporter-blobs", "db", "test.db") })
        {
            if (!File.Exists(db))
            {
                continue;
            }

            using var connection = new SqliteConnection($"Data Source=file:{db}?mode=ro&immutable=1;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT ROWID, attributedBody FROM message WHERE attributedBody IS NOT NULL";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                Compare((byte[])reader.GetValue(1), $"{Path.GetFileName(db)} ROWID {reader.GetInt64(0)}");
                count++;
            }
        }

        Assert.True(count > 100, $"only {count} bodies in the fixture databases");
    }

    [FixtureFact("imessage-exporter-blobs/typedstream")]
    public void TryDecode_TruncatedAndCorruptedBlobs_NeverDisagreesWithTheGenericReader()
    {
        var random = new Random(12345);
        var fast = 0;
        foreach (var file in Directory.GetFiles(Fixtures.Path("imessage-exporter-blobs", "typedstream")))
        {
            var original = File.ReadAllBytes(file);
            for (var length = 0; length < original.Length; length++)
            {
                Compare(original.AsSpan(0, length).ToArray(), $"{Path.GetFileName(file)} cut at {length}");
            }

            for (var i = 0; i < 300; i++)
            {
                var mutated = (byte[])original.Clone();
                for (var flips = 1 + random.Next(3); flips > 0; flips--)
                {
                    mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                }

                fast += Compare(mutated, $"{Path.GetFileName(file)} mutation {i}") ? 1 : 0;
            }
        }

        // Many mutations hit the text or lengths and leave a body the fast path still reads: those were compared in full.
        Assert.True(fast > 500, $"only {fast} corrupted blobs took the fast path");
    }

    /// <summary>Checks agreement; true when the fast path decoded the blob.</summary>
    private static bool Compare(byte[] blob, string what)
    {
        var fast = AttributedBodyFastPath.TryDecode(blob);
        AttributedBody? generic = null;
        TypedStreamException? error = null;
        try
        {
            generic = AttributedBodyDecoder.DecodeGeneric(blob);
        }
        catch (TypedStreamException ex)
        {
            error = ex;
        }

        if (fast is null)
        {
            return false;
        }

        Assert.True(error is null, $"{what}: the fast path decoded a blob the generic reader refuses ({error?.Message})");
        AssertSame(generic!, fast, what);
        return true;
    }

    private static void AssertSame(AttributedBody expected, AttributedBody actual, string what = "")
    {
        Assert.True(expected.Text == actual.Text, $"{what}: text");
        Assert.True(expected.Diagnostics.SequenceEqual(actual.Diagnostics), $"{what}: diagnostics");
        Assert.True(expected.Runs.Count == actual.Runs.Count, $"{what}: run count");
        for (var i = 0; i < expected.Runs.Count; i++)
        {
            var (e, a) = (expected.Runs[i], actual.Runs[i]);
            Assert.True(e.Start == a.Start && e.Length == a.Length && e.Text == a.Text, $"{what}: run {i}");
            Assert.True(SameValue(e.Attributes, a.Attributes), $"{what}: attributes of run {i}");
        }
    }

    private static bool SameValue(object? expected, object? actual) => (expected, actual) switch
    {
        (null, null) => true,
        (IReadOnlyDictionary<string, object?> e, IReadOnlyDictionary<string, object?> a) =>
            e.Count == a.Count && e.All(kv => a.TryGetValue(kv.Key, out var v) && SameValue(kv.Value, v)),
        (Uri e, Uri a) => e.OriginalString == a.OriginalString,
        (byte[] e, byte[] a) => e.AsSpan().SequenceEqual(a),
        (double e, double a) => e.Equals(a),
        _ => expected is not null && actual is not null && expected.GetType() == actual.GetType() && expected.Equals(actual),
    };
}
