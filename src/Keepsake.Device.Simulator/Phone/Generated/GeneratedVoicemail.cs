namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>A voicemail (voicemail ROWID = <see cref="Id"/>) with its audio at HomeDomain <c>Library/Voicemail/&lt;Id&gt;.amr</c>.</summary>
public sealed record GeneratedVoicemail(long Id, string Sender, DateTimeOffset Date, int DurationSeconds, long Size);
