namespace Keepsake.Export.History;

/// <summary>The kinds of phone data that <see cref="BackupDataDiff"/> compares item by item.</summary>
public enum DataKind
{
    /// <summary>sms.db message rows (tapbacks included), keyed by message.guid.</summary>
    Messages,

    /// <summary>AddressBook people, keyed by ABPerson.guid (else ROWID).</summary>
    Contacts,

    /// <summary>Photos.sqlite camera-roll assets, keyed by ZUUID (else directory and file name).</summary>
    Photos,

    /// <summary>CallHistory.storedata calls, keyed by ZUNIQUE_ID (else Z_PK).</summary>
    Calls,

    /// <summary>NoteStore.sqlite notes, keyed by ZIDENTIFIER (else Z_PK).</summary>
    Notes,
}
