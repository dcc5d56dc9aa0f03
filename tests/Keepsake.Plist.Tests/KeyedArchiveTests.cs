using System.Collections;
using Keepsake.TestKit;
using Microsoft.Data.Sqlite;

namespace Keepsake.Plist.Tests;

public sealed class KeyedArchiveTests
{
    internal static ArchivedObject SampleMbFile()
    {
        var key = new ArchivedObject("NSMutableData", ["NSMutableData", "NSData", "NSObject"]);
        key.Fields["NS.data"] = Enumerable.Range(0, 44).Select(i => (byte)i).ToArray();
        var file = new ArchivedObject("MBFile", ["MBFile", "NSObject"])
        {
            Fields =
            {
                ["RelativePath"] = "Media/DCIM/100APPLE/IMG_0034.PNG",
                ["LastModified"] = 1617115200L,
                ["Birth"] = 1617115200L,
                ["Mode"] = 33188L,
                ["Size"] = 1407796L,
                ["ProtectionClass"] = 3L,
                ["InodeNumber"] = 290474L,
                ["UserID"] = 501L,
                ["GroupID"] = 501L,
                ["Flags"] = 0L,
                ["EncryptionKey"] = key,
                ["ExtendedAttributes"] = new byte[] { 1, 2, 3 },
                ["Digest"] = new byte[20],
            },
        };
        return file;
    }

    [Fact]
    public void Encode_MbFile_HasAppleLayout()
    {
        var archive = KeyedArchive.Encode(SampleMbFile());
        Assert.Equal(100000, archive.GetInt64("$version"));
        Assert.Equal("NSKeyedArchiver", archive.GetString("$archiver"));
        Assert.Equal(new PlistUid(1), archive.GetDictionary("$top")!["root"]);
        var objects = archive.GetArray("$objects")!;
        Assert.Equal(new PlistString("$null"), objects[0]);
        var root = objects[1].AsDictionary();
        Assert.Equal(33188, root.GetInt64("Mode"));
        Assert.IsType<PlistUid>(root["RelativePath"]);
        var keyObject = objects[(int)root.Get<PlistUid>("EncryptionKey")!.Value].AsDictionary();
        Assert.Equal(44, keyObject.GetData("NS.data")!.Length);
        var keyClass = objects[(int)keyObject.Get<PlistUid>("$class")!.Value].AsDictionary();
        Assert.Equal("NSMutableData", keyClass.GetString("$classname"));
        Assert.IsType<PlistData>(objects[(int)root.Get<PlistUid>("Digest")!.Value]);
    }

    [Fact]
    public void Decode_EncodedMbFile_RoundTrips()
    {
        var file = SampleMbFile();
        var decoded = KeyedArchive.Decode(KeyedArchive.EncodeToBinary(file));
        var obj = Assert.IsType<ArchivedObject>(decoded);
        Assert.Equal("MBFile", obj.ClassName);
        Assert.Equal(["MBFile", "NSObject"], obj.Classes);
        Assert.Equal("Media/DCIM/100APPLE/IMG_0034.PNG", obj.GetString("RelativePath"));
        Assert.Equal(44, Assert.IsType<byte[]>(obj["EncryptionKey"]).Length);
        Assert.Equal(1617115200L, obj.GetInt64("LastModified"));

        // The NSMutableData wrapper decodes to plain bytes, so compare against that form.
        file.Fields["EncryptionKey"] = ((ArchivedObject)file.Fields["EncryptionKey"]!).Fields["NS.data"];
        AssertGraphEqual(file, decoded);
    }

    [Fact]
    public void Decode_FoundationTypes_MapToDotNet()
    {
        var guid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        var date = new DateTimeOffset(2022, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var graph = new Dictionary<string, object?>
        {
            ["list"] = new List<object?> { "a", 1L, 2.5, true, null },
            ["date"] = date,
            ["uuid"] = guid,
            ["bytes"] = new byte[] { 9 },
            ["big"] = (Int128)ulong.MaxValue,
            ["nested"] = new Dictionary<string, object?> { ["x"] = "y" },
        };
        var decoded = KeyedArchive.Decode(KeyedArchive.EncodeToBinary(graph));
        AssertGraphEqual(graph, decoded);
        var map = Assert.IsType<Dictionary<string, object?>>(decoded);
        Assert.Equal(guid, map["uuid"]);
        Assert.Equal(date, map["date"]);

        // NSUUID stores the bytes in RFC 4122 (big-endian) order.
        var archive = KeyedArchive.Encode(guid);
        var uuidDict = archive.GetArray("$objects")![1].AsDictionary();
        Assert.Equal(Convert.FromHexString("00112233445566778899AABBCCDDEEFF"), uuidDict.GetData("NS.uuidbytes"));
    }

    [Fact]
    public void Decode_NonStringKeys_GiveObjectDictionary()
    {
        var graph = new Dictionary<object, object?> { [1L] = "one", ["two"] = 2L };
        var decoded = Assert.IsType<Dictionary<object, object?>>(KeyedArchive.Decode(KeyedArchive.EncodeToBinary(graph)));
        Assert.Equal("one", decoded[1L]);
        Assert.Equal(2L, decoded["two"]);
    }

    [Fact]
    public void Decode_Cycle_SharesInstances()
    {
        var parent = new ArchivedObject("Node");
        var child = new ArchivedObject("Node");
        parent.Fields["child"] = child;
        child.Fields["parent"] = parent;
        var list = new List<object?>();
        list.Add(list);
        parent.Fields["self list"] = list;
        var decoded = Assert.IsType<ArchivedObject>(KeyedArchive.Decode(KeyedArchive.EncodeToBinary(parent)));
        var decodedChild = decoded.GetObject("child")!;
        Assert.Same(decoded, decodedChild.GetObject("parent"));
        var decodedList = Assert.IsType<List<object?>>(decoded["self list"]);
        Assert.Same(decodedList, decodedList[0]);
    }

    [Fact]
    public void Decode_NSStringCycle_ThrowsFormatException()
    {
        var archive = Archive(
            new PlistDictionary { ["NS.string"] = new PlistUid(1), ["$class"] = new PlistUid(2) },
            ClassDict("NSString"));
        Assert.Throws<PlistFormatException>(() => KeyedArchive.Decode(archive));
    }

    [Fact]
    public void Decode_DeepChain_ThrowsFormatException()
    {
        var objects = new List<PlistNode>();
        const int n = 100_000;
        for (var i = 1; i <= n; i++)
        {
            objects.Add(new PlistDictionary { ["next"] = new PlistUid((ulong)(i + 1)), ["$class"] = new PlistUid(n + 1) });
        }

        objects[^1] = new PlistDictionary { ["$class"] = new PlistUid(n + 1) };
        objects.Add(ClassDict("Link"));
        var e = Assert.Throws<PlistFormatException>(() => KeyedArchive.Decode(Archive([.. objects])));
        Assert.Equal(-1, e.Offset);
    }

    [Theory]
    [InlineData("not a dict")]
    [InlineData("no archiver")]
    [InlineData("no root")]
    [InlineData("uid out of range")]
    [InlineData("class not a dict")]
    public void Decode_Malformed_ThrowsFormatException(string which)
    {
        PlistNode archive = which switch
        {
            "not a dict" => new PlistArray(),
            "no archiver" => new PlistDictionary { ["$objects"] = new PlistArray(["$null"]) },
            "no root" => new PlistDictionary { ["$archiver"] = "NSKeyedArchiver", ["$objects"] = new PlistArray(["$null"]), ["$top"] = new PlistDictionary() },
            "uid out of range" => Archive(new PlistDictionary { ["x"] = new PlistUid(99), ["$class"] = new PlistUid(2) }, ClassDict("Thing")),
            "class not a dict" => Archive(new PlistDictionary { ["$class"] = new PlistUid(2) }, "NSObject"),
            _ => Archive(new PlistDictionary { ["NS.time"] = "soon", ["$class"] = new PlistUid(2) }, ClassDict("NSDate")),
        };
        Assert.Throws<PlistFormatException>(() => KeyedArchive.Decode(archive));
    }

    [Fact]
    public void Decode_UuidOfWrongLength_StaysArchivedObject()
    {
        var archive = Archive(new PlistDictionary { ["NS.uuidbytes"] = new byte[] { 1, 2 }, ["$class"] = new PlistUid(2) }, ClassDict("NSUUID"));
        var obj = Assert.IsType<ArchivedObject>(KeyedArchive.Decode(archive));
        Assert.Equal("NSUUID", obj.ClassName);
        Assert.Equal([1, 2], obj.GetBytes("NS.uuidbytes"));
    }

    [Fact]
    public void DecodeTop_CustomTopKeys_SharesObjects()
    {
        var archive = Archive(new PlistDictionary { ["NS.string"] = "shared", ["$class"] = new PlistUid(2) }, ClassDict("NSString"));
        archive["$top"] = new PlistDictionary { ["first"] = new PlistUid(1), ["second"] = new PlistUid(1), ["count"] = 3L };
        var top = KeyedArchive.DecodeTop(archive);
        Assert.Equal("shared", top["first"]);
        Assert.Equal("shared", top["second"]);
        Assert.Equal(3L, top["count"]);
        Assert.Throws<PlistFormatException>(() => KeyedArchive.Decode(archive));
    }

    [Fact]
    public void Decode_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => KeyedArchive.Decode((PlistNode)null!));
        Assert.Throws<ArgumentNullException>(() => KeyedArchive.Decode(new PlistDictionary(), null!));
    }

    [Fact]
    public void Encode_FieldNamedClass_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => KeyedArchive.Encode(new ArchivedObject("X") { Fields = { ["$class"] = 1L } }));

    [Fact]
    public void Encode_UnsupportedType_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => KeyedArchive.Encode(new object()));

    [FixtureFact("mvt-ios-backup")]
    public void Decode_MvtManifestFileColumn_EveryRowIsMbFile()
    {
        var path = Fixtures.Path("mvt-ios-backup", "Manifest.db");
        using var connection = new SqliteConnection($"Data Source=file:{path}?mode=ro&immutable=1");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT relativePath, flags, file FROM Files";
        using var reader = command.ExecuteReader();
        var rows = 0;
        var symlinksWithTarget = 0;
        while (reader.Read())
        {
            rows++;
            var relativePath = reader.GetString(0);
            var blob = (byte[])reader.GetValue(2);
            var obj = Assert.IsType<ArchivedObject>(KeyedArchive.Decode(blob));
            Assert.Equal("MBFile", obj.ClassName);
            Assert.Equal(relativePath, obj.GetString("RelativePath"));
            Assert.NotNull(obj.GetInt64("Mode"));
            if (reader.GetInt64(1) == 4 && obj.GetString("Target") is { Length: > 0 })
            {
                symlinksWithTarget++;
            }

            // Re-encoding what we decoded and decoding again gives the same graph.
            AssertGraphEqual(obj, KeyedArchive.Decode(KeyedArchive.EncodeToBinary(obj)));
        }

        Assert.Equal(3721, rows);
        Assert.True(symlinksWithTarget > 0);
    }

    [FixtureFact("ios-backup-browser-sample")]
    public void Decode_SampleManifestWithWal_EveryRowIsMbFile()
    {
        using var dir = new TempDirectory();
        var path = Fixtures.CopySqlite("ios-backup-browser-sample/Manifest.db", dir);
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT relativePath, file FROM Files";
        using var reader = command.ExecuteReader();
        var rows = 0;
        while (reader.Read())
        {
            rows++;
            var obj = Assert.IsType<ArchivedObject>(KeyedArchive.Decode((byte[])reader.GetValue(1)));
            Assert.Equal("MBFile", obj.ClassName);
            Assert.Equal(reader.GetString(0), obj.GetString("RelativePath"));
        }

        Assert.True(rows > 0);
    }

    [FixtureFact("imessage-exporter-blobs")]
    public void Decode_ImessageKeyedArchives_Succeed()
    {
        var decoded = 0;
        foreach (var file in Directory.EnumerateFiles(Fixtures.Path("imessage-exporter-blobs"), "*.plist", SearchOption.AllDirectories))
        {
            var node = PlistReader.ReadFile(file);
            if (node is PlistDictionary d && d.GetString("$archiver") == "NSKeyedArchiver")
            {
                var value = KeyedArchive.Decode(node);
                Assert.NotNull(value);
                AssertGraphEqual(value, KeyedArchive.Decode(KeyedArchive.EncodeToBinary(value)));
                decoded++;
            }
        }

        Assert.True(decoded >= 20, $"only {decoded} archives found");
    }

    [FixtureFact("imessage-exporter-blobs")]
    public void Decode_UrlMessage_HasUrlAndStrings()
    {
        var root = KeyedArchive.Decode(File.ReadAllBytes(Fixtures.Path("imessage-exporter-blobs", "url_message", "URL.plist")));
        Assert.NotNull(root);
        Assert.Contains(Flatten(root), v => v is string s && s.StartsWith("http", StringComparison.Ordinal));
    }

    private static IEnumerable<object?> Flatten(object? root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<object?>([root]);
        while (stack.Count > 0)
        {
            var v = stack.Pop();
            yield return v;
            if (v is null || v is string || !seen.Add(v))
            {
                continue;
            }

            switch (v)
            {
                case ArchivedObject o: foreach (var f in o.Fields.Values) { stack.Push(f); } break;
                case IDictionary d: foreach (DictionaryEntry e in d) { stack.Push(e.Key); stack.Push(e.Value); } break;
                case IList l: foreach (var x in l) { stack.Push(x); } break;
            }
        }
    }

    private static PlistDictionary ClassDict(string name) =>
        new() { ["$classname"] = name, ["$classes"] = new PlistArray([name, "NSObject"]) };

    private static PlistDictionary Archive(params PlistNode[] objects) => new()
    {
        ["$version"] = 100000L,
        ["$archiver"] = "NSKeyedArchiver",
        ["$top"] = new PlistDictionary { ["root"] = new PlistUid(1) },
        ["$objects"] = new PlistArray([new PlistString("$null"), .. objects]),
    };

    /// <summary>Structural equality of decoded graphs, following cycles by pairing visited instances.</summary>
    internal static void AssertGraphEqual(object? expected, object? actual)
    {
        var pairs = new Dictionary<object, object>(ReferenceEqualityComparer.Instance);
        Compare(expected, actual, "root", pairs);
    }

    private static void Compare(object? expected, object? actual, string path, Dictionary<object, object> pairs)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: {expected ?? "null"} vs {actual ?? "null"}");
            return;
        }

        if (expected is int i)
        {
            expected = (long)i;
        }

        if (expected is string or long or double or bool or Int128 or Guid or DateTimeOffset)
        {
            Assert.True(expected.Equals(actual), $"{path}: {expected} vs {actual}");
            return;
        }

        if (expected is byte[] bytes)
        {
            Assert.True(actual is byte[] other && bytes.AsSpan().SequenceEqual(other), $"{path}: bytes differ");
            return;
        }

        if (pairs.TryGetValue(expected, out var paired))
        {
            Assert.True(ReferenceEquals(paired, actual), $"{path}: shared instance not preserved");
            return;
        }

        pairs[expected] = actual;
        switch (expected)
        {
            case ArchivedObject eo:
                var ao = Assert.IsType<ArchivedObject>(actual);
                Assert.Equal(eo.ClassName, ao.ClassName);
                Assert.Equal(eo.Classes, ao.Classes);
                Assert.Equal(eo.Fields.Keys.Order(StringComparer.Ordinal), ao.Fields.Keys.Order(StringComparer.Ordinal));
                foreach (var (key, value) in eo.Fields)
                {
                    Compare(value, ao.Fields[key], $"{path}.{key}", pairs);
                }

                break;
            case IDictionary ed:
                var ad = Assert.IsAssignableFrom<IDictionary>(actual);
                Assert.Equal(ed.Count, ad.Count);
                foreach (DictionaryEntry entry in ed)
                {
                    Assert.True(ad.Contains(entry.Key), $"{path}: missing key {entry.Key}");
                    Compare(entry.Value, ad[entry.Key], $"{path}[{entry.Key}]", pairs);
                }

                break;
            case IList el:
                var al = Assert.IsAssignableFrom<IList>(actual);
                Assert.Equal(el.Count, al.Count);
                for (var k = 0; k < el.Count; k++)
                {
                    Compare(el[k], al[k], $"{path}[{k}]", pairs);
                }

                break;
            default:
                Assert.Fail($"{path}: unexpected type {expected.GetType()}");
                break;
        }
    }
}
