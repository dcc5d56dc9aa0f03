using System.Globalization;

namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>How the first state of the phone is decided (four years of use before <see cref="BaseNow"/>).</summary>
public sealed partial class PhonePlan
{
    private const long MiB = 1024 * 1024;

    private static readonly string[] FirstNames = ["Alice", "Bob", "Chloé", "David", "Emma", "Farid", "Grace", "Hiroshi", "Inès", "Jonas", "Katarzyna", "Liam", "María", "Noah", "Olga", "Pierre", "Quinn", "Rania", "Søren", "Tomás", "Uma", "Viktor", "Wen", "Xavier", "Yasmin", "Zoë"];
    private static readonly string[] LastNames = ["Martin", "Nguyen", "Durand", "Smith", "Müller", "García", "Kowalski", "Tanaka", "O'Brien", "Haddad", "Rossi", "Johansson", "Dubois", "Silva", "Ivanova", "Chen"];
    private static readonly string[] Companies = ["Example Corp", "Acme & Sons", "Northwind", "Globex", "Initech"];
    private static readonly string[] Openers = ["Hi", "Hey", "Morning", "Hello", "Good evening", "Quick question", "So", "Guess what"];
    private static readonly string[] Subjects = ["lunch", "the train", "the photos", "Saturday", "the meeting", "your parcel", "the concert", "dinner", "the keys", "the trip to Lisbon", "the garden", "the new flat"];
    private static readonly string[] Endings = ["?", "!", ".", " 🙂", " 😂", " — see you soon", " 👍", "…"];
    private static readonly string[] Places = ["Lisbon", "Paris", "Berlin", "Kyoto", "Montréal", "Cape Town", "Oslo", "Porto"];
    private static readonly (double Lat, double Lon)[] Coordinates = [(38.7223, -9.1393), (48.8566, 2.3522), (52.52, 13.405), (35.0116, 135.7681), (45.5019, -73.5674), (-33.9249, 18.4241), (59.9139, 10.7522), (41.1579, -8.6291)];
    private static readonly (string Id, string Name)[] AppCatalog = [("com.example.notebook", "Notebook"), ("com.example.weather", "Weather Now"), ("org.example.podcasts", "Pod Player"), ("net.whatsapp.WhatsApp", "WhatsApp"), ("com.example.game", "Tile Match")];

    private void Build(Random random)
    {
        var size = Profile.Size;
        var start = BaseNow.AddYears(-4);
        BuildContacts(random, start);
        BuildConversations(random);
        var messageCount = (int)Math.Clamp(3000 + (size / MiB * 10), 3000, 40_000);
        var attachmentBudget = size * 18 / 100;
        var attachmentCount = Math.Max(1, messageCount / 12);
        AddMessages(random, start, BaseNow.AddHours(-1), messageCount, attachmentBudget / attachmentCount, everyNth: 12);
        if (Profile.LargestConversation is { } extra && extra > 0)
        {
            AddMessages(random, start, BaseNow.AddHours(-1), extra, attachmentBudget / attachmentCount, everyNth: 0, onlyConversation: _conversations[0].Id);
            _messages.Sort((a, b) => a.Id.CompareTo(b.Id));
        }

        // Small phones are mostly fixed parts (databases, minimum file sizes); large ones give the camera roll more.
        var photoBudget = (long)(size * (0.53 + (0.13 * Math.Min(1.0, size / 1024.0 / MiB))));
        var assetCount = Profile.Photos ?? (int)Math.Max(24, photoBudget / (2 * MiB));
        AddAssets(random, start, BaseNow.AddHours(-2), assetCount, photoBudget / assetCount);
        BuildCalls(random, start);
        BuildNotes(random, start);
        BuildVoicemails(random);
        BuildEvents(random);
        BuildSafari(random);
        BuildWhatsApp(random, size * 5 / 100);
        foreach (var (id, name) in AppCatalog)
        {
            _apps.Add(new GeneratedApp(id, name, Math.Max(64 * 1024, size / 100)));
        }
    }

    private void BuildContacts(Random random, DateTimeOffset start)
    {
        for (var i = 0; i < 60; i++)
        {
            var first = FirstNames[i % FirstNames.Length];
            var last = LastNames[(i * 7 + (i / FirstNames.Length)) % LastNames.Length];
            var created = start.AddDays(random.Next(0, 400));
            _contacts.Add(new GeneratedContact(
                i + 1, Guid(random), first, last, i % 5 == 1 ? Companies[i % Companies.Length] : null, Number(i),
                i % 3 == 0 ? $"{first.ToLowerInvariant()}.{i}@example.com" : null,
                i % 10 == 0 ? $"Met in {Places[i % Places.Length]}; likes \"good coffee\", bad puns" : null,
                i % 3 == 1, created, created.AddDays(random.Next(0, 300))));
        }
    }

    private void BuildConversations(Random random)
    {
        string[] services = ["iMessage", "iMessage", "SMS", "iMessage", "RCS"];
        for (var i = 0; i < 24; i++)
        {
            var contact = _contacts[((i * 5) + (i * 5 / _contacts.Count)) % _contacts.Count];
            var service = services[i % services.Length];
            var handle = service == "iMessage" && contact.Email is { } email ? email : contact.Phone;
            _conversations.Add(new GeneratedConversation(i + 1, $"{service};-;{handle}", service, [contact.Id], null));
        }

        string[] groupNames = ["Family", "Climbing crew", "Book club", "Flat 4B"];
        for (var g = 0; g < groupNames.Length; g++)
        {
            var members = Enumerable.Range(0, 3 + g).Select(k => _contacts[(g * 11 + k * 3 + 1) % _contacts.Count].Id).Distinct().ToList();
            _conversations.Add(new GeneratedConversation(_conversations.Count + 1, $"iMessage;+;chat{random.NextInt64(100_000_000, 999_999_999)}", "iMessage", members, g == 3 ? null : groupNames[g]));
        }
    }

    /// <summary>Adds <paramref name="count"/> messages spread between two instants (tapbacks, replies, edits, unsends and attachments among them).</summary>
    private void AddMessages(Random random, DateTimeOffset from, DateTimeOffset to, int count, long meanAttachment, int everyNth, long? onlyConversation = null)
    {
        var span = (to - from).TotalSeconds;
        var times = Enumerable.Range(0, count).Select(_ => random.NextDouble() * span).Order().ToArray();
        var recent = new Dictionary<long, List<GeneratedMessage>>();
        for (var i = 0; i < count; i++)
        {
            var conversation = onlyConversation is { } only ? _conversations.First(c => c.Id == only) : PickConversation(random);
            var date = from.AddSeconds(times[i]);
            var fromMe = random.Next(100) < 45;
            long? sender = fromMe ? null : conversation.ContactIds[random.Next(conversation.ContactIds.Count)];
            var id = _nextMessage++;
            var guid = Guid(random);
            var history = recent.TryGetValue(conversation.Id, out var list) ? list : recent[conversation.Id] = [];
            var roll = random.Next(1000);
            GeneratedMessage message;
            if (history.Count > 0 && roll < 50)
            {
                var target = history[random.Next(history.Count)];
                var type = 2000 + random.Next(6);
                message = new GeneratedMessage(id, guid, conversation.Id, sender, date, conversation.Service, $"{TapbackVerb(type)} “{Snippet(target.Text)}”") { TapbackOn = target.Guid, TapbackType = type };
            }
            else
            {
                var text = Sentence(random);
                message = new GeneratedMessage(id, guid, conversation.Id, sender, date, conversation.Service, text);
                if (everyNth > 0 && random.Next(everyNth) == 0)
                {
                    message = message with { Text = string.Empty, Attachment = NewAttachment(random, meanAttachment, date) };
                }
                else if (history.Count > 0 && roll < 90)
                {
                    message = message with { ReplyTo = history[random.Next(history.Count)].Guid };
                }
                else if (fromMe && roll < 100)
                {
                    message = message with { EditedFrom = text, Text = text + " (edited: I meant tomorrow)" };
                }
                else if (fromMe && roll < 106)
                {
                    message = message with { Text = string.Empty, Unsent = true };
                }
            }

            _messages.Add(message);
            if (message.TapbackOn is null && !message.Unsent && message.Attachment is null)
            {
                history.Add(message);
                if (history.Count > 20)
                {
                    history.RemoveAt(0);
                }
            }
        }
    }

    private GeneratedConversation PickConversation(Random random)
    {
        // A few chats get most of the messages, as on a real phone.
        var index = (int)Math.Min(_conversations.Count - 1, Math.Floor(_conversations.Count * Math.Pow(random.NextDouble(), 2.2)));
        return _conversations[index];
    }

    private GeneratedAttachment NewAttachment(Random random, long meanSize, DateTimeOffset date)
    {
        var id = _nextAttachment++;
        var guid = Guid(random);
        var roll = random.Next(100);
        var (kind, name, mime, uti) = roll switch
        {
            < 40 => (GeneratedMediaKind.Heic, $"IMG_{random.Next(1000, 9999)}.HEIC", "image/heic", "public.heic"),
            < 70 => (GeneratedMediaKind.Jpeg, $"IMG_{random.Next(1000, 9999)}.JPG", "image/jpeg", "public.jpeg"),
            < 82 => (GeneratedMediaKind.Mov, $"IMG_{random.Next(1000, 9999)}.MOV", "video/quicktime", "com.apple.quicktime-movie"),
            < 92 => (GeneratedMediaKind.M4a, "Audio Message.m4a", "audio/x-m4a", "com.apple.m4a-audio"),
            _ => (GeneratedMediaKind.Pdf, $"{Subjects[random.Next(Subjects.Length)].Replace(' ', '-')}-{date.Year}.pdf", "application/pdf", "com.adobe.pdf"),
        };
        var size = kind == GeneratedMediaKind.Pdf ? 0 : (long)(meanSize * (0.4 + (1.2 * random.NextDouble())));
        var path = string.Create(CultureInfo.InvariantCulture, $"Library/SMS/Attachments/{id % 256:x2}/{(id / 256) % 100:D2}/{guid}/{name}");
        return new GeneratedAttachment(id, guid, name, mime, uti, kind, size, path);
    }

    private void AddAssets(Random random, DateTimeOffset from, DateTimeOffset to, int count, long meanSize)
    {
        if (_albums.Count == 0)
        {
            _albums.AddRange(["Holidays", "Family", "Receipts"]);
        }

        var span = (to - from).TotalSeconds;
        foreach (var offset in Enumerable.Range(0, count).Select(_ => random.NextDouble() * span).Order().ToList())
        {
            var id = _nextAsset++;
            var number = _nextPhotoNumber++;
            var directory = string.Create(CultureInfo.InvariantCulture, $"DCIM/{100 + ((number - 1) / 1000)}APPLE");
            var roll = random.Next(100);
            var kind = roll < 12 ? GeneratedMediaKind.Mov : roll < 70 ? GeneratedMediaKind.Heic : GeneratedMediaKind.Jpeg;
            var extension = kind switch { GeneratedMediaKind.Mov => "MOV", GeneratedMediaKind.Heic => "HEIC", _ => "JPG" };
            var (lat, lon) = Coordinates[random.Next(Coordinates.Length)];
            var weight = kind == GeneratedMediaKind.Mov ? 3.0 : 0.75;
            var asset = new GeneratedAsset(id, directory, string.Create(CultureInfo.InvariantCulture, $"IMG_{number:D4}.{extension}"), kind,
                (long)(meanSize * weight * (0.6 + (0.8 * random.NextDouble()))), from.AddSeconds(offset), lat + (random.NextDouble() / 100), lon + (random.NextDouble() / 100))
            {
                Favorite = random.Next(100) < 8,
                Hidden = random.Next(100) < 3,
                Albums = random.Next(100) < 35 ? [_albums[random.Next(_albums.Count)]] : [],
            };
            if (kind == GeneratedMediaKind.Heic && _assets.All(a => a.LivePhotoVideo is null) || (kind == GeneratedMediaKind.Heic && random.Next(100) < 10))
            {
                asset = asset with { LivePhotoVideo = string.Create(CultureInfo.InvariantCulture, $"IMG_{number:D4}.MOV"), LivePhotoVideoSize = Math.Max(200_000, asset.Size / 2) };
            }

            _assets.Add(asset);
        }
    }

    private void BuildCalls(Random random, DateTimeOffset start) => AddCalls(random, start, BaseNow.AddHours(-3), 300);

    private void AddCalls(Random random, DateTimeOffset from, DateTimeOffset to, int count)
    {
        var span = (to - from).TotalSeconds;
        foreach (var offset in Enumerable.Range(0, count).Select(_ => random.NextDouble() * span).Order().ToList())
        {
            var known = random.Next(100) < 80;
            var contact = known ? _contacts[random.Next(_contacts.Count)] : null;
            var answered = random.Next(100) < 75;
            var type = random.Next(100) switch { < 80 => 1, < 90 => 8, _ => 16 };
            _calls.Add(new GeneratedCall(_nextCall++, contact?.Phone ?? Number(900 + random.Next(99)), contact?.Id, from.AddSeconds(offset),
                answered ? Math.Round(5 + (random.NextDouble() * 1800), 1) : 0, random.Next(2) == 0, answered, type));
        }
    }

    private void BuildNotes(Random random, DateTimeOffset start)
    {
        string[] folders = ["Notes", "Recipes", "Travel"];
        for (var i = 0; i < 25; i++)
        {
            var created = start.AddDays(random.Next(0, 1400));
            var folder = folders[i % folders.Length];
            var title = folder switch { "Recipes" => $"Recipe {i}: {Subjects[i % Subjects.Length]} soup", "Travel" => $"Trip to {Places[i % Places.Length]}", _ => $"Note {i} about {Subjects[i % Subjects.Length]}" };
            var body = string.Join("\n", Enumerable.Range(0, 2 + random.Next(6)).Select(_ => Sentence(random)));
            _notes.Add(new GeneratedNote(i + 3, folder, title, body, created, created.AddDays(random.Next(0, 60)), Locked: false));
        }

        var lockedAt = start.AddDays(100);
        _notes.Add(new GeneratedNote(_notes.Count + 3, "Notes", "Bank codes", string.Empty, lockedAt, lockedAt, Locked: true));
    }

    private void BuildVoicemails(Random random)
    {
        for (var i = 0; i < 8; i++)
        {
            var duration = 4 + random.Next(50);
            _voicemails.Add(new GeneratedVoicemail(i + 1, _contacts[(i * 7) % _contacts.Count].Phone, BaseNow.AddDays(-random.Next(1, 700)).AddMinutes(-random.Next(1440)), duration, AmrSize(duration)));
        }

        _voicemails.Sort((a, b) => a.Date.CompareTo(b.Date));
        for (var i = 0; i < _voicemails.Count; i++)
        {
            _voicemails[i] = _voicemails[i] with { Id = i + 1 };
        }
    }

    /// <summary>AMR-NB 12.2 kbit/s: the 6-byte magic, then 50 frames of 32 bytes per second.</summary>
    internal static long AmrSize(int seconds) => 6 + (seconds * 50L * 32);

    private void BuildEvents(Random random)
    {
        string[] calendars = ["Home", "Work"];
        for (var i = 0; i < 80; i++)
        {
            var day = BaseNow.AddDays(-random.Next(0, 900) + 60).Date;
            var calendar = calendars[i % 2];
            var kind = i % 8;
            var allDay = kind == 0;
            var start = allDay ? new DateTimeOffset(day, TimeSpan.Zero) : new DateTimeOffset(day, TimeSpan.Zero).AddHours(8 + random.Next(10)).AddMinutes(15 * random.Next(4));
            var end = allDay ? start.AddDays(1) : start.AddMinutes(30 * (1 + random.Next(4)));
            var recurrence = kind == 3 ? "WEEKLY" : kind == 5 ? "YEARLY" : null;
            var summary = allDay ? $"{FirstNames[i % FirstNames.Length]}'s birthday" : calendar == "Work" ? $"Meeting about {Subjects[i % Subjects.Length]}" : $"Dinner, {Places[i % Places.Length]}; bring wine";
            _events.Add(new GeneratedEvent(i + 1, Guid(random), calendar, summary, allDay ? null : Places[i % Places.Length], start, end, allDay, recurrence));
        }
    }

    private void BuildSafari(Random random)
    {
        string[] sites = ["https://www.example.com/", "https://news.example.org/world", "https://wiki.example.net/Lisbon", "https://shop.example.com/cart?id=42&ref=mail", "https://maps.example.com/@38.72,-9.14"];
        for (var i = 0; i < 400; i++)
        {
            var site = sites[random.Next(sites.Length)];
            _visits.Add(new GeneratedVisit(i + 1, site, $"Page {i % 37} — {new Uri(site).Host}", BaseNow.AddDays(-400).AddSeconds(i * 86_000.0 + random.Next(1000))));
        }

        string[] folders = ["Favorites", "Reading", "Travel"];
        for (var i = 0; i < 18; i++)
        {
            _bookmarks.Add(new GeneratedBookmark(i + 1, folders[i % folders.Length], $"Bookmark {i}: {Places[i % Places.Length]}", $"https://travel.example.com/{Places[i % Places.Length].ToLowerInvariant()}?b={i}"));
        }
    }

    private void BuildWhatsApp(Random random, long mediaBudget)
    {
        string[] chats = ["Alice Martin", "Hiking group", "Bob Nguyen"];
        const int count = 400;
        var mediaCount = count / 10;
        for (var i = 0; i < count; i++)
        {
            var chat = i % chats.Length;
            var fromMe = random.Next(2) == 0;
            var jid = chat == 1 ? $"{15550100000 + random.Next(1, 6)}@s.whatsapp.net" : null;
            string? media = null;
            long mediaSize = 0;
            if (i % 10 == 5)
            {
                media = string.Create(CultureInfo.InvariantCulture, $"Media/{15550100000 + chat}@s.whatsapp.net/{i % 16:x}/{(i / 16) % 16:x}/{Guid(random)}.jpg");
                mediaSize = Math.Max(40_000, mediaBudget / mediaCount);
            }

            _whatsApp.Add(new GeneratedWhatsAppMessage(i + 1, chat + 1, chats[chat], fromMe, fromMe ? null : jid, BaseNow.AddDays(-300).AddMinutes(i * 997.0),
                media is null ? Sentence(random) : null, media, mediaSize));
        }
    }

    private static string Sentence(Random random) =>
        $"{Openers[random.Next(Openers.Length)]}, about {Subjects[random.Next(Subjects.Length)]} in {Places[random.Next(Places.Length)]}{Endings[random.Next(Endings.Length)]}";

    private static string Snippet(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string TapbackVerb(int type) => (type % 1000) switch
    {
        0 => "Loved",
        1 => "Liked",
        2 => "Disliked",
        3 => "Laughed at",
        4 => "Emphasized",
        _ => "Questioned",
    };
}
