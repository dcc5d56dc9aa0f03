using System.Globalization;
using Keepsake.Plist;

namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>Voicemail, Calendar, Safari, WhatsApp and the apps' own data.</summary>
internal sealed partial class PhoneWriter
{
    public const string VoicemailFolder = "Library/Voicemail";
    public const string CalendarPath = "Library/Calendar/Calendar.sqlitedb";
    public const string HistoryPath = "Library/Safari/History.db";
    public const string BookmarksPath = "Library/Safari/Bookmarks.db";
    public const string ChatStoragePath = "ChatStorage.sqlite";

    /// <summary>The tables the real Calendar.sqlitedb has beside CalendarItem (the fixture we compare with keeps only CalendarItem and Participant).</summary>
    private const string CalendarExtraSchema = """
        CREATE TABLE Calendar (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, store_id INTEGER, title TEXT, flags INTEGER, color TEXT, symbolic_color_name TEXT, color_is_display INTEGER, type TEXT, supported_entity_types INTEGER, external_id TEXT, UUID TEXT, display_order INTEGER);
        CREATE TABLE Location (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT, address TEXT, latitude REAL, longitude REAL, item_owner_id INTEGER);
        CREATE TABLE Recurrence (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, frequency INTEGER, interval INTEGER, week_start INTEGER, count INTEGER, cached_end_date REAL, end_date REAL, specifier TEXT, owner_id INTEGER, external_id TEXT, UUID TEXT);
        CREATE TABLE Store (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, type INTEGER, external_id TEXT, UUID TEXT);
        """;

    private const string BookmarksSchema = """
        CREATE TABLE bookmarks (id INTEGER PRIMARY KEY AUTOINCREMENT, special_id INTEGER DEFAULT 0, parent INTEGER, type INTEGER, title TEXT, url TEXT COLLATE NOCASE, num_children INTEGER DEFAULT 0, editable INTEGER DEFAULT 1, deletable INTEGER DEFAULT 1, hidden INTEGER DEFAULT 0, hidden_ancestor_count INTEGER DEFAULT 0, order_index INTEGER NOT NULL, external_uuid TEXT, read INTEGER DEFAULT NULL, last_modified REAL DEFAULT NULL, server_id TEXT, sync_key TEXT, sync_data BLOB, added INTEGER DEFAULT 1, deleted INTEGER DEFAULT 0, extra_attributes BLOB, modified_attributes UNSIGNED BIG INT DEFAULT 0, fetched_icon BOOL DEFAULT 0, icon BLOB DEFAULT NULL, dav_generation INTEGER DEFAULT 0, locally_added BOOL DEFAULT 0, archive_status INTEGER DEFAULT 0, syncable BOOL DEFAULT 1, web_filter_status INTEGER DEFAULT 0, modified_since_last_sync_check BOOL DEFAULT 0);
        CREATE INDEX parent_index ON bookmarks (parent, order_index);
        """;

    private void WriteVoicemail()
    {
        foreach (var v in plan.Voicemails)
        {
            Media(Home, string.Create(CultureInfo.InvariantCulture, $"{VoicemailFolder}/{v.Id}.amr"), GeneratedMediaKind.Amr, v.Size, v.Date, 0, 0, plan.FileSeed("voicemail", v.Id));
            if (v.Id % 2 == 1)
            {
                var transcript = PlistWriter.ToBinary(new PlistDictionary { ["transcriptionString"] = new PlistString($"Hi, it's about {v.Sender}'s parcel, call me back."), ["confidence"] = new PlistReal(0.87) });
                WriteFile(Home, string.Create(CultureInfo.InvariantCulture, $"{VoicemailFolder}/{v.Id}.transcript"), v.Date, s => s.Write(transcript));
            }
        }

        Database(Home, VoicemailFolder + "/voicemail.db", "voicemail", plan.Now, db =>
        {
            using var insert = Insert(db, "voicemail", "ROWID", "remote_uid", "date", "token", "sender", "callback_num", "duration", "expiration", "trashed_date", "flags", "receiver", "label");
            foreach (var v in plan.Voicemails)
            {
                Row(insert, v.Id, 1000 + v.Id, v.Date.ToUnixTimeSeconds(), "Complete", v.Sender, v.Sender, v.DurationSeconds, v.Date.AddDays(30).ToUnixTimeSeconds(), 0, 3, "+15550000000", null);
            }
        });
    }

    private void WriteCalendar()
    {
        Database(Home, CalendarPath, "Calendar", plan.Now, db =>
        {
            Exec(db, CalendarExtraSchema);
            Exec(db, "INSERT INTO Store (ROWID, name, type, UUID) VALUES (1, 'On My iPhone', 0, '00000000-0000-4000-8000-0000000000CA')");
            var calendars = plan.Events.Select(e => e.Calendar).Distinct().ToList();
            using var calendar = Insert(db, "Calendar", "ROWID", "store_id", "title", "color", "type", "UUID", "display_order");
            for (var i = 0; i < calendars.Count; i++)
            {
                Row(calendar, i + 1, 1, calendars[i], i == 0 ? "#1BADF8" : "#FF2968", "local", $"{i + 1:D8}-0000-4000-8000-0000000000CB", i);
            }

            using var location = Insert(db, "Location", "ROWID", "title", "address", "item_owner_id");
            using var item = Insert(db, "CalendarItem", "ROWID", "summary", "location_id", "description", "start_date", "start_tz", "end_date", "end_tz", "all_day", "calendar_id", "status", "url", "last_modified", "creation_date", "has_recurrences", "UUID", "unique_identifier", "hidden");
            using var recurrence = Insert(db, "Recurrence", "frequency", "interval", "owner_id", "UUID");
            foreach (var e in plan.Events)
            {
                long? locationId = null;
                if (e.Location is { } place)
                {
                    locationId = e.Id;
                    Row(location, e.Id, place, $"1 Main Street, {place}", e.Id);
                }

                Row(item, e.Id, e.Summary, locationId, e.AllDay ? null : "Notes line one\nline two: café ☕", AppleSeconds(e.Start), e.AllDay ? "_float" : "UTC", AppleSeconds(e.End), e.AllDay ? "_float" : "UTC",
                    e.AllDay ? 1 : 0, calendars.IndexOf(e.Calendar) + 1, 1, e.Id % 9 == 0 ? "https://meet.example.com/room?id=" + e.Id.ToString(CultureInfo.InvariantCulture) : null,
                    AppleSeconds(e.Start.AddDays(-3)), AppleSeconds(e.Start.AddDays(-10)), e.Recurrence is null ? 0 : 1, e.Uuid, e.Uuid + "@keepsake.example", 0);
                if (e.Recurrence is { } frequency)
                {
                    Row(recurrence, frequency == "WEEKLY" ? 2 : 4, 1, e.Id, e.Uuid + "-R"); // 1 daily, 2 weekly, 3 monthly, 4 yearly
                }
            }
        });
    }

    private void WriteSafari()
    {
        Database(Home, HistoryPath, "History", plan.Now, db =>
        {
            var items = plan.Visits.Select(v => v.Url).Distinct().ToList();
            using var item = Insert(db, "history_items", "id", "url", "domain_expansion", "visit_count", "daily_visit_counts", "should_recompute_derived_visit_counts", "visit_count_score");
            foreach (var (url, i) in items.Select((u, i) => (u, i)))
            {
                Row(item, i + 1, url, new Uri(url).Host.Split('.')[0], plan.Visits.Count(v => v.Url == url), Array.Empty<byte>(), 0, 0);
            }

            using var visit = Insert(db, "history_visits", "id", "history_item", "visit_time", "title", "load_successful", "http_non_get", "synthesized", "origin", "generation", "attributes", "score");
            foreach (var v in plan.Visits)
            {
                Row(visit, v.Id, items.IndexOf(v.Url) + 1, AppleSeconds(v.Time), v.Title, 1, 0, 0, 0, 0, 0, 0);
            }
        });
        Database(Home, BookmarksPath, null, plan.Now, db =>
        {
            Exec(db, BookmarksSchema);
            using var insert = Insert(db, "bookmarks", "id", "special_id", "parent", "type", "title", "url", "num_children", "hidden", "order_index", "external_uuid");
            Row(insert, 0, 0, null, 1, "Root", null, 0, 0, 0, "Root");
            var folders = plan.Bookmarks.Select(b => b.Folder).Distinct().ToList();
            for (var i = 0; i < folders.Count; i++)
            {
                Row(insert, 1000 + i, 0, 0, 1, folders[i], null, plan.Bookmarks.Count(b => b.Folder == folders[i]), 0, i, $"F{i:D7}-0000-4000-8000-000000000000");
            }

            foreach (var b in plan.Bookmarks)
            {
                Row(insert, b.Id, 0, 1000 + folders.IndexOf(b.Folder), 0, b.Title, b.Url, 0, 0, (int)b.Id, $"{b.Id:D8}-0000-4000-8000-000000000000");
            }
        });
    }

    private void WriteWhatsApp()
    {
        foreach (var m in plan.WhatsAppMessages.Where(m => m.MediaPath is not null))
        {
            Media(WhatsAppGroup, "Message/" + m.MediaPath, GeneratedMediaKind.Jpeg, m.MediaSize, m.Date, 52.52, 13.405, plan.FileSeed("whatsapp", m.Id));
        }

        Database(WhatsAppGroup, ChatStoragePath, "ChatStorage", plan.Now, db =>
        {
            var chats = plan.WhatsAppMessages.GroupBy(m => m.ChatId).OrderBy(g => g.Key).ToList();
            using var session = Insert(db, "ZWACHATSESSION", "Z_PK", "Z_ENT", "Z_OPT", "ZARCHIVED", "ZMESSAGECOUNTER", "ZREMOVED", "ZSESSIONTYPE", "ZUNREADCOUNT", "ZLASTMESSAGEDATE", "ZCONTACTJID", "ZPARTNERNAME");
            foreach (var chat in chats)
            {
                var group = chat.Any(m => m.SenderJid is not null);
                Row(session, chat.Key, 4, 1, 0, chat.Count(), 0, group ? 1 : 0, 0, AppleSeconds(chat.Max(m => m.Date)),
                    group ? $"1203630{chat.Key:D5}@g.us" : $"{15550100000 + chat.Key - 1}@s.whatsapp.net", chat.First().ChatName);
            }

            using var member = Insert(db, "ZWAGROUPMEMBER", "Z_PK", "Z_ENT", "Z_OPT", "ZISACTIVE", "ZISADMIN", "ZCHATSESSION", "ZCONTACTNAME", "ZMEMBERJID");
            var members = plan.WhatsAppMessages.Where(m => m.SenderJid is not null).Select(m => (m.ChatId, Jid: m.SenderJid!)).Distinct().OrderBy(m => m.Jid, StringComparer.Ordinal).ToList();
            for (var i = 0; i < members.Count; i++)
            {
                Row(member, i + 1, 6, 1, 1, 0, members[i].ChatId, $"Member {i + 1}", members[i].Jid);
            }

            using var media = Insert(db, "ZWAMEDIAITEM", "Z_PK", "Z_ENT", "Z_OPT", "ZFILESIZE", "ZMESSAGE", "ZLATITUDE", "ZLONGITUDE", "ZMEDIALOCALPATH", "ZTITLE");
            using var message = Insert(db, "ZWAMESSAGE", "Z_PK", "Z_ENT", "Z_OPT", "ZISFROMME", "ZMESSAGESTATUS", "ZMESSAGETYPE", "ZSORT", "ZCHATSESSION", "ZGROUPMEMBER", "ZMEDIAITEM", "ZMESSAGEDATE", "ZSENTDATE", "ZFROMJID", "ZSTANZAID", "ZTEXT", "ZTOJID");
            var mediaId = 1;
            foreach (var m in plan.WhatsAppMessages)
            {
                long? memberId = m.SenderJid is { } jid ? members.FindIndex(x => x.Jid == jid && x.ChatId == m.ChatId) + 1 : null;
                long? mediaRow = null;
                if (m.MediaPath is { } path)
                {
                    mediaRow = mediaId++;
                    Row(media, mediaRow, 8, 1, new FileInfo(FullPath(WhatsAppGroup, "Message/" + path)).Length, m.Id, 52.52, 13.405, path, null);
                }

                var chatJid = m.SenderJid is null && m.ChatId != 2 ? $"{15550100000 + m.ChatId - 1}@s.whatsapp.net" : $"1203630{m.ChatId:D5}@g.us";
                Row(message, m.Id, 9, 1, m.FromMe ? 1 : 0, m.FromMe ? 8 : 0, m.MediaPath is null ? 0 : 1, m.Id, m.ChatId, memberId, mediaRow, AppleSeconds(m.Date), AppleSeconds(m.Date),
                    m.FromMe ? null : chatJid, $"3EB0{m.Id:X12}", m.Text, m.FromMe ? chatJid : null);
            }
        });
    }

    private void WriteApps()
    {
        foreach (var app in plan.Apps)
        {
            var domain = "AppDomain-" + app.BundleId;
            var preferences = PlistWriter.ToBinary(new PlistDictionary { ["CFBundleDisplayName"] = new PlistString(app.DisplayName), ["launchCount"] = new PlistInteger(42) });
            WriteFile(domain, $"Library/Preferences/{app.BundleId}.plist", plan.Now, s => s.Write(preferences));
            WriteFile(domain, "Documents/data.bin", PhonePlan.BaseNow, s =>
            {
                var buffer = new byte[64 * 1024];
                var random = new SeededBytes(plan.FileSeed("app:" + app.BundleId, 0));
                for (var left = app.DataSize; left > 0; left -= buffer.Length)
                {
                    var chunk = (int)Math.Min(buffer.Length, left);
                    random.Fill(buffer.AsSpan(0, chunk));
                    s.Write(buffer, 0, chunk);
                }
            }, app.DataSize);
        }
    }
}
