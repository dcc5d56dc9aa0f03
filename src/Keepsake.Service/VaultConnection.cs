namespace Keepsake.Service;

/// <summary>
/// A vault the service can open without asking anyone: its display address and how to open it (the
/// command line gives the password from KEEPSAKE_PASSWORD, --password-file or the file chosen at install).
/// </summary>
/// <param name="Location">The vault's address as shown to the user (a folder or an s3: address, never with credentials).</param>
/// <param name="Open">Opens the vault, creating it when there is none; throws the repository's typed errors (wrong password, locked, not found).</param>
public sealed record VaultConnection(string Location, Func<CancellationToken, Task<Keepsake.Repository.Repository>> Open);
