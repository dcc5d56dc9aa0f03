namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>An installed app: its bundle id (the <c>AppDomain-&lt;id&gt;</c> folder) and display name.</summary>
public sealed record GeneratedApp(string BundleId, string DisplayName, long DataSize);
