namespace Keepsake.Export.History;

/// <summary>A message <see cref="MessageRecovery"/> found: gone from the latest backup, or in iOS's Recently Deleted there.</summary>
/// <param name="Message">The message as the last snapshot that held it holds it.</param>
/// <param name="LastSnapshot">That snapshot's id.</param>
/// <param name="InRecentlyDeleted">
/// True: the latest backup still holds it, in Recently Deleted (chat_recoverable_message_join). False: it is not
/// in later backups (deleted on the phone, or removed by iCloud sync or by auto-expiry).
/// </param>
public sealed record RecoveredMessage(DataItem Message, string LastSnapshot, bool InRecentlyDeleted);
