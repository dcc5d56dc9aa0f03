using System.Globalization;

namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>
/// The generated phone's ground truth: every contact, message, photo, call, note, voicemail, event,
/// visit, bookmark, WhatsApp message and app, decided from the profile's seed before anything is
/// written. <see cref="GeneratedPhone"/> writes it; tests compare exports with it. Only metadata is held
/// here (file contents are made while writing, from the seed), so a large phone's plan stays small.
/// <see cref="Advance"/> moves the phone on by days of use, deterministically.
/// </summary>
public sealed partial class PhonePlan
{
    /// <summary>The phone's clock before any advance: every date of the phone lies before it.</summary>
    public static readonly DateTimeOffset BaseNow = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly List<GeneratedContact> _contacts = [];
    private readonly List<GeneratedConversation> _conversations = [];
    private readonly List<GeneratedMessage> _messages = [];
    private readonly List<GeneratedAsset> _assets = [];
    private readonly List<string> _albums = [];
    private readonly List<GeneratedCall> _calls = [];
    private readonly List<GeneratedNote> _notes = [];
    private readonly List<GeneratedVoicemail> _voicemails = [];
    private readonly List<GeneratedEvent> _events = [];
    private readonly List<GeneratedVisit> _visits = [];
    private readonly List<GeneratedBookmark> _bookmarks = [];
    private readonly List<GeneratedWhatsAppMessage> _whatsApp = [];
    private readonly List<GeneratedApp> _apps = [];
    private readonly List<int> _advances = [];
    private long _nextMessage = 1, _nextAttachment = 1, _nextAsset = 1, _nextCall = 1, _nextPhotoNumber = 1;

    private PhonePlan(PhoneProfile profile)
    {
        Profile = profile;
        Now = BaseNow;
    }

    public PhoneProfile Profile { get; }

    /// <summary>The days passed in each <see cref="Advance"/>, in order.</summary>
    public IReadOnlyList<int> Advances => _advances;

    /// <summary>The phone's clock: <see cref="BaseNow"/> plus every advance.</summary>
    public DateTimeOffset Now { get; private set; }

    public IReadOnlyList<GeneratedContact> Contacts => _contacts;

    public IReadOnlyList<GeneratedConversation> Conversations => _conversations;

    /// <summary>Every message row, tapbacks included, in ROWID order.</summary>
    public IReadOnlyList<GeneratedMessage> Messages => _messages;

    public IReadOnlyList<GeneratedAsset> Assets => _assets;

    /// <summary>The user albums (ZGENERICALBUM titles).</summary>
    public IReadOnlyList<string> Albums => _albums;

    public IReadOnlyList<GeneratedCall> Calls => _calls;

    public IReadOnlyList<GeneratedNote> Notes => _notes;

    public IReadOnlyList<GeneratedVoicemail> Voicemails => _voicemails;

    public IReadOnlyList<GeneratedEvent> Events => _events;

    public IReadOnlyList<GeneratedVisit> Visits => _visits;

    public IReadOnlyList<GeneratedBookmark> Bookmarks => _bookmarks;

    public IReadOnlyList<GeneratedWhatsAppMessage> WhatsAppMessages => _whatsApp;

    public IReadOnlyList<GeneratedApp> Apps => _apps;

    /// <summary>The plan of <paramref name="profile"/> after the given advances (days each, in order).</summary>
    public static PhonePlan Create(PhoneProfile profile, IEnumerable<int>? advances = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var plan = new PhonePlan(profile);
        plan.Build(new Random(profile.Seed));
        foreach (var days in advances ?? [])
        {
            plan.Advance(days);
        }

        return plan;
    }

    /// <summary>The contact's name, or null for the owner (null id) or an unknown id.</summary>
    public string? ContactName(long? id) => id is { } i ? _contacts.Find(c => c.Id == i)?.FullName : null;

    /// <summary>A deterministic seed for one file's bytes.</summary>
    internal ulong FileSeed(string kind, long id) => unchecked(((ulong)(uint)Profile.Seed << 32) ^ ((ulong)id * 0x9E3779B97F4A7C15UL) ^ Fnv(kind));

    private static ulong Fnv(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }

        return hash;
    }

    private static string Guid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new System.Guid(bytes).ToString("D").ToUpperInvariant();
    }

    private static string Number(int index) => string.Create(CultureInfo.InvariantCulture, $"+1555{index + 100000:D7}");
}
