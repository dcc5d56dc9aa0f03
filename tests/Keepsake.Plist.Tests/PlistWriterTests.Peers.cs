using Keepsake.TestKit;

namespace Keepsake.Plist.Tests;

/// <summary>
/// Checks our reader and writer against libplist's <c>plistutil</c>. Its exit code is not trusted:
/// every check parses what it wrote and compares values.
/// </summary>
public sealed partial class PlistWriterTests
{
    private static PlistNode ViaPlistutil(byte[] input, string format, TempDirectory dir)
    {
        var inPath = dir.Combine($"in-{Guid.NewGuid():N}");
        var outPath = dir.Combine($"out-{Guid.NewGuid():N}");
        File.WriteAllBytes(inPath, input);
        var result = ExternalTool.Run("plistutil", ["-i", inPath, "-o", outPath, "-f", format], TimeSpan.FromSeconds(60));
        Assert.True(File.Exists(outPath), $"plistutil wrote nothing: {result.StandardError}");
        var bytes = File.ReadAllBytes(outPath);
        Assert.Equal(format == "bin", PlistReader.IsBinary(bytes));
        return PlistReader.Read(bytes);
    }

    [ToolFact("plistutil")]
    public void OurBinary_PlistutilToXml_ReadsEqual()
    {
        using var dir = new TempDirectory();
        var original = SamplePlists.EveryKind();
        Assert.Equal(original, ViaPlistutil(PlistWriter.ToBinary(original), "xml", dir));
    }

    [ToolFact("plistutil")]
    public void OurXml_PlistutilToBinary_ReadsEqual()
    {
        // libplist turns a CF$UID dictionary into a plain dictionary when it writes binary, so UIDs
        // are left out of this direction (they are covered by the binary → XML test).
        using var dir = new TempDirectory();
        var original = SamplePlists.EveryKind(withUid: false);
        Assert.Equal(original, ViaPlistutil(PlistWriter.ToXml(original), "bin", dir));
    }

    [ToolFact("plistutil")]
    public void OurBinary_PlistutilToBinary_ReadsEqual()
    {
        using var dir = new TempDirectory();
        var original = SamplePlists.EveryKind();
        Assert.Equal(original, ViaPlistutil(PlistWriter.ToBinary(original), "bin", dir));
    }

    [ToolFact("plistutil")]
    public void LargeBinary_PlistutilBothWays_ReadsEqual()
    {
        using var dir = new TempDirectory();
        var original = SamplePlists.Large();
        var viaXml = ViaPlistutil(PlistWriter.ToBinary(original), "xml", dir);
        Assert.Equal(original, viaXml);
        Assert.Equal(original, ViaPlistutil(PlistWriter.ToXml(original), "bin", dir));
    }

    /// <summary>Python's plistlib is a second, independent implementation: it re-writes what we wrote.</summary>
    [ToolFact("python3")]
    public void OurPlists_PythonPlistlibRewrites_ReadEqual()
    {
        using var dir = new TempDirectory();
        const string Script = "import plistlib,sys\n"
            + "fmt = plistlib.FMT_BINARY if sys.argv[3] == 'bin' else plistlib.FMT_XML\n"
            + "v = plistlib.load(open(sys.argv[1], 'rb'))\n"
            + "open(sys.argv[2], 'wb').write(plistlib.dumps(v, fmt=fmt, sort_keys=False))\n";
        foreach (var (input, format) in new[]
        {
            (PlistWriter.ToBinary(SamplePlists.EveryKind()), "bin"),
            (PlistWriter.ToXml(SamplePlists.EveryKind(withUid: false)), "xml"),
            (PlistWriter.ToBinary(SamplePlists.Large()), "bin"),
        })
        {
            var inPath = dir.Combine($"in-{format}-{input.Length}");
            var outPath = inPath + ".out";
            File.WriteAllBytes(inPath, input);
            ExternalTool.Run("python3", ["-c", Script, inPath, outPath, format], TimeSpan.FromSeconds(60)).EnsureSuccess("python3 plistlib");
            Assert.Equal(PlistReader.Read(input), PlistReader.ReadFile(outPath));
        }
    }

    [ToolFact("plistutil")]
    public void KeyedArchive_PlistutilToXml_DecodesEqual()
    {
        using var dir = new TempDirectory();
        var file = KeyedArchiveTests.SampleMbFile();
        var viaXml = ViaPlistutil(KeyedArchive.EncodeToBinary(file), "xml", dir);
        file.Fields["EncryptionKey"] = ((ArchivedObject)file.Fields["EncryptionKey"]!).Fields["NS.data"];
        KeyedArchiveTests.AssertGraphEqual(file, KeyedArchive.Decode(viaXml));
    }
}
