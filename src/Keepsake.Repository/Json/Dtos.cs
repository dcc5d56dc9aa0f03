using System.Text.Json.Serialization;

namespace Keepsake.Repository.Json;

// The JSON documents restic stores, as plain data. Field names and omit rules follow restic v0.14
// (see docs/design/repository-format.md); times are kept as RFC 3339 text and parsed by GoTime.
#pragma warning disable SA1402, CA1819 // data-transfer types kept together; byte[] is the wire shape.

internal sealed class KeyFileJson
{
    [JsonPropertyName("created")] public string? Created { get; set; }
    [JsonPropertyName("username")] public string? Username { get; set; }
    [JsonPropertyName("hostname")] public string? Hostname { get; set; }
    [JsonPropertyName("kdf")] public string? Kdf { get; set; }
    [JsonPropertyName("N")] public int N { get; set; }
    [JsonPropertyName("r")] public int R { get; set; }
    [JsonPropertyName("p")] public int P { get; set; }
    [JsonPropertyName("salt")] public byte[]? Salt { get; set; }
    [JsonPropertyName("data")] public byte[]? Data { get; set; }
}

internal sealed class MacKeyJson
{
    [JsonPropertyName("k")] public byte[]? K { get; set; }
    [JsonPropertyName("r")] public byte[]? R { get; set; }
}

internal sealed class MasterKeyJson
{
    [JsonPropertyName("mac")] public MacKeyJson? Mac { get; set; }
    [JsonPropertyName("encrypt")] public byte[]? Encrypt { get; set; }
}

internal sealed class ConfigJson
{
    [JsonPropertyName("version")] public int Version { get; set; }
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("chunker_polynomial")] public string? ChunkerPolynomial { get; set; }
}

internal sealed class IndexBlobJson
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("offset")] public long Offset { get; set; }
    [JsonPropertyName("length")] public long Length { get; set; }
    [JsonPropertyName("uncompressed_length")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long UncompressedLength { get; set; }
}

internal sealed class IndexPackJson
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("blobs")] public List<IndexBlobJson>? Blobs { get; set; }
}

internal sealed class IndexJson
{
    [JsonPropertyName("supersedes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Supersedes { get; set; }

    [JsonPropertyName("packs")] public List<IndexPackJson>? Packs { get; set; }
}

internal sealed class SnapshotJson
{
    [JsonPropertyName("time")] public string? Time { get; set; }

    [JsonPropertyName("parent")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Parent { get; set; }

    [JsonPropertyName("tree")] public string? Tree { get; set; }
    [JsonPropertyName("paths")] public List<string>? Paths { get; set; }

    [JsonPropertyName("hostname")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Hostname { get; set; }

    [JsonPropertyName("username")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Username { get; set; }

    [JsonPropertyName("uid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public uint Uid { get; set; }

    [JsonPropertyName("gid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public uint Gid { get; set; }

    [JsonPropertyName("excludes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Excludes { get; set; }

    [JsonPropertyName("tags")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Tags { get; set; }

    [JsonPropertyName("original")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Original { get; set; }
}

internal sealed class LockJson
{
    [JsonPropertyName("time")] public string? Time { get; set; }
    [JsonPropertyName("exclusive")] public bool Exclusive { get; set; }
    [JsonPropertyName("hostname")] public string? Hostname { get; set; }
    [JsonPropertyName("username")] public string? Username { get; set; }
    [JsonPropertyName("pid")] public int Pid { get; set; }

    [JsonPropertyName("uid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public uint Uid { get; set; }

    [JsonPropertyName("gid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public uint Gid { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(KeyFileJson))]
[JsonSerializable(typeof(MasterKeyJson))]
[JsonSerializable(typeof(ConfigJson))]
[JsonSerializable(typeof(IndexJson))]
[JsonSerializable(typeof(SnapshotJson))]
[JsonSerializable(typeof(LockJson))]
internal sealed partial class RepositoryJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context to write with. The default encoder escapes '+' as \u002B, but restic (Go) parses
    /// a time from the raw JSON text without unescaping it, so a snapshot, lock or key file made at a
    /// positive UTC offset ("…+02:00") would be unreadable to restic. Escaping only what JSON requires
    /// keeps times literal (Go reads every other escape, and raw UTF-8, in strings).
    /// </summary>
    public static RepositoryJsonContext Go { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
