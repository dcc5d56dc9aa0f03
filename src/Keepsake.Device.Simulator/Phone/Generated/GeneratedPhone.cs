using System.Globalization;

namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>
/// The generated phones kept on disk: <c>&lt;simulator folder&gt;/phones/&lt;profile key&gt;/</c> holds
/// <c>contents/</c> (the phone folder, <c>&lt;Domain&gt;/&lt;relative path&gt;</c>) and <c>advances</c> (the
/// days of each <see cref="Advance"/>, one per line, written last: a folder without it is finished on the
/// next use). Generating streams every file to disk; only the plan's metadata is held in memory.
/// </summary>
public static class GeneratedPhone
{
    private const string AdvancesFile = "advances";

    /// <summary>The folder of <paramref name="profile"/>'s phone under <paramref name="simulatorFolder"/>.</summary>
    public static string Folder(string simulatorFolder, PhoneProfile profile)
    {
        ArgumentException.ThrowIfNullOrEmpty(simulatorFolder);
        ArgumentNullException.ThrowIfNull(profile);
        return Path.Combine(simulatorFolder, "phones", profile.Key);
    }

    /// <summary>The phone folder, generated first when it is absent or unfinished.</summary>
    public static string Ensure(string simulatorFolder, PhoneProfile profile)
    {
        var folder = Folder(simulatorFolder, profile);
        var contents = Path.Combine(folder, "contents");
        if (!File.Exists(Path.Combine(folder, AdvancesFile)))
        {
            Write(folder, PhonePlan.Create(profile));
        }

        return contents;
    }

    /// <summary>The ground truth of the stored phone (its profile and the advances it went through).</summary>
    public static PhonePlan Plan(string simulatorFolder, PhoneProfile profile) => PhonePlan.Create(profile, ReadAdvances(Folder(simulatorFolder, profile)));

    /// <summary>
    /// Moves the stored phone on by <paramref name="days"/> of use (see <see cref="PhonePlan.Advance"/>) and
    /// rewrites what changed: the databases, new media, and deleted media and apps removed.
    /// </summary>
    public static PhonePlan Advance(string simulatorFolder, PhoneProfile profile, int days)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, PhonePlan.MaximumAdvanceDays);
        Ensure(simulatorFolder, profile);
        var folder = Folder(simulatorFolder, profile);
        var plan = PhonePlan.Create(profile, [.. ReadAdvances(folder), days]);
        Write(folder, plan);
        return plan;
    }

    /// <summary>Writes <paramref name="plan"/> into <paramref name="phoneFolder"/> (a phone folder of its own, outside the store).</summary>
    public static void WriteTo(string phoneFolder, PhonePlan plan)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneFolder);
        ArgumentNullException.ThrowIfNull(plan);
        new PhoneWriter(plan, phoneFolder).Write();
    }

    private static void Write(string folder, PhonePlan plan)
    {
        Directory.CreateDirectory(folder);
        var marker = Path.Combine(folder, AdvancesFile);
        File.Delete(marker);
        new PhoneWriter(plan, Path.Combine(folder, "contents")).Write();
        File.WriteAllText(marker, string.Concat(plan.Advances.Select(d => d.ToString(CultureInfo.InvariantCulture) + "\n")));
    }

    private static List<int> ReadAdvances(string folder)
    {
        var path = Path.Combine(folder, AdvancesFile);
        if (!File.Exists(path))
        {
            return [];
        }

        var days = new List<int>();
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            if (!int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var d) || d < 1 || d > PhonePlan.MaximumAdvanceDays)
            {
                throw new InvalidDataException($"{path}: '{line}' is not a number of days; delete the folder to generate the phone again.");
            }

            days.Add(d);
        }

        return days;
    }
}
