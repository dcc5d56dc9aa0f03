namespace Keepsake.Device.Lockdown;

/// <summary>The answer to StartService: where the service listens and whether it wants TLS.</summary>
public sealed record LockdownServiceInfo(string Service, ushort Port, bool EnableServiceSsl);
