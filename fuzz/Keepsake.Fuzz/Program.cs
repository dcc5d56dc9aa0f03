using Keepsake.Fuzz;
using SharpFuzz;

// keepsake-fuzz TARGET              run under afl-fuzz (input on stdin / the shared-memory channel)
// keepsake-fuzz TARGET --replay F…  run each file in-process and report any crash (regression check)
// keepsake-fuzz --seeds DIR [FIXTURES]  write each target's seed corpus into DIR/<target>/
if (args.Length >= 2 && args[0] == "--seeds")
{
    return Seeds.Write(args[1], args.Length > 2 ? args[2] : null);
}

if (args.Length == 0 || !FuzzTargets.All.ContainsKey(args[0]))
{
    Console.Error.WriteLine($"usage: keepsake-fuzz TARGET [--replay FILE...] | --seeds DIR [FIXTURES]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}

var target = args[0];
if (args.Length > 1 && args[1] == "--replay")
{
    var failures = 0;
    foreach (var file in args.Skip(2))
    {
        try
        {
            FuzzTargets.Run(target, File.ReadAllBytes(file));
        }
        catch (Exception e)
        {
            failures++;
            Console.Error.WriteLine($"{file}: {e.GetType().Name}: {e.Message}");
        }
    }

    return failures == 0 ? 0 : 1;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    FuzzTargets.Run(target, buffer.ToArray());
});
return 0;
