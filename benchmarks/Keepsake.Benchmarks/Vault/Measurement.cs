namespace Keepsake.Benchmarks.Vault;

/// <summary>One child run: wall seconds, CPU seconds (user + system) and peak RSS in KiB.</summary>
internal readonly record struct Measurement(double Seconds, double CpuSeconds, long PeakRssKb);
