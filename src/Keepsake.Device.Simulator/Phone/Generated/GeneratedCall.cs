namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>A call (ZCALLRECORD Z_PK = <see cref="Id"/>); <see cref="ContactId"/> null for an unknown number.</summary>
public sealed record GeneratedCall(long Id, string Address, long? ContactId, DateTimeOffset Date, double DurationSeconds, bool Outgoing, bool Answered, int CallType);
