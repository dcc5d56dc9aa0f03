using System.Diagnostics;
using System.Globalization;
using System.Text;
using Keepsake.Device.Simulator.Phone.Generated;
using Keepsake.Export.Messages.TypedStream;
using Keepsake.Plist;
using Microsoft.Data.Sqlite;

namespace Keepsake.Benchmarks.Export;

/// <summary>
/// Generates a realistic iOS 16+/macOS 14 sms.db (chat.db) of N messages, deterministically from a seed:
/// one-to-one and group chats of very different sizes (Zipf-distributed), handles (phone numbers,
/// e-mail addresses, SMS), messages whose body is in <c>text</c> and <c>attributedBody</c>, or only
/// in <c>attributedBody</c> (real typedstream bytes from <see cref="TypedStreamEncoder"/>), or only in
/// <c>text</c>; tapbacks (2000–2005, some 3000-range removals), replies, attachments (their files do not
/// exist), links, mentions, edits and unsends (<c>message_summary_info</c>), Recently Deleted rows and
/// group system events. The schema, with Apple's indexes, is the one of a current chat.db, without the
/// triggers (they call functions only Messages defines).
/// Written in one transaction with prepared statements, to <c>&lt;cache&gt;/sms-N-seedS-vV.db</c>; an
/// existing file is reused.
/// </summary>
internal static class SmsDbGenerator
{
    /// <summary>Bumped whenever the content changes, so that cached files are regenerated.</summary>
    public const int Version = 1;

    private static readonly DateTimeOffset Start = new(2019, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset AppleEpoch = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Words =
    [
        "the", "a", "to", "and", "I", "you", "it", "is", "that", "of", "in", "we", "for", "on", "this", "be", "just", "so",
        "have", "not", "are", "with", "can", "what", "do", "at", "will", "me", "my", "was", "but", "get", "going", "now",
        "ok", "yes", "no", "lol", "haha", "tomorrow", "today", "tonight", "later", "dinner", "lunch", "coffee", "meeting",
        "home", "work", "car", "train", "late", "soon", "sorry", "thanks", "great", "love", "miss", "call", "text", "back",
        "here", "there", "where", "when", "how", "why", "who", "see", "know", "think", "want", "need", "like", "good",
        "bad", "nice", "cool", "sure", "maybe", "pick", "up", "kids", "school", "weekend", "party", "birthday", "photo",
        "movie", "game", "play", "run", "gym", "store", "buy", "milk", "bread", "eggs", "forgot", "remember", "keys",
        "phone", "battery", "dead", "charger", "meet", "outside", "inside", "door", "open", "close", "min", "mins", "hour",
        "week", "month", "year", "café", "naïve", "über", "déjà", "vu", "señor", "Zürich", "crème", "brûlée", "😂", "❤️",
        "👍", "🎉", "🙏", "😅", "🔥", "😘", "👀", "<3", "&", "a<b", "\"quoted\"", "it's", "don't", "can't", "I'm", "you're",
        "on my way", "be right there", "what time?", "sounds good", "call me", "love you", "happy birthday!",
    ];

    private static readonly string[] FirstNames = ["anna", "ben", "carla", "dev", "emma", "femi", "gus", "hana", "ivan", "jo", "kim", "lea", "max", "nina", "omar", "pia"];
    private static readonly int[] TapbackWeights = [35, 25, 5, 20, 10, 5]; // loved, liked, disliked, laughed, emphasized, questioned
    private static readonly string[] TapbackVerbs = ["Loved", "Liked", "Disliked", "Laughed at", "Emphasized", "Questioned"];
    private static readonly string[] Effects = ["com.apple.MobileSMS.expressivesend.impact", "com.apple.MobileSMS.expressivesend.loud", "com.apple.messages.effect.CKConfettiEffect", "com.apple.messages.effect.CKHappyBirthdayEffect"];
    private static readonly (string Mime, string Uti, string Ext)[] AttachmentTypes =
    [
        ("image/jpeg", "public.jpeg", "jpeg"), ("image/heic", "public.heic", "HEIC"), ("image/png", "public.png", "png"),
        ("video/quicktime", "com.apple.quicktime-movie", "MOV"), ("audio/x-caf", "com.apple.coreaudio-format", "caf"),
        ("application/pdf", "com.adobe.pdf", "pdf"),
    ];

    /// <summary>What was written (the benchmark checks the export against these).</summary>
    internal sealed record Summary(long Messages, long Chats, long Handles, long Tapbacks, long Attachments, long AttributedOnly);

    /// <summary>Returns the path of a cached database of <paramref name="messages"/> messages, generating it if needed.</summary>
    public static string Ensure(string cacheFolder, int messages, int seed)
    {
        Directory.CreateDirectory(cacheFolder);
        var path = Path.Combine(cacheFolder, $"sms-{messages}-seed{seed}-v{Version}.db");
        if (File.Exists(path))
        {
            Console.WriteLine($"using cached {path} ({new FileInfo(path).Length / 1048576.0:F0} MiB)");
            return path;
        }

        var partial = path + ".partial";
        File.Delete(partial);
        var sw = Stopwatch.StartNew();
        Console.WriteLine($"generating {messages:N0} messages into {path} ...");
        var summary = Generate(partial, messages, seed);
        File.Move(partial, path);
        Console.WriteLine($"generated in {sw.Elapsed.TotalSeconds:F1} s: {summary.Messages:N0} messages ({summary.Tapbacks:N0} tapbacks, {summary.AttributedOnly:N0} with only attributedBody), " +
            $"{summary.Chats} chats, {summary.Handles} handles, {summary.Attachments:N0} attachments, {new FileInfo(path).Length / 1048576.0:F0} MiB");
        return path;
    }

    /// <summary>Writes a new database at <paramref name="path"/>.</summary>
    public static Summary Generate(string path, int messageCount, int seed)
    {
        var random = new Random(seed);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Exec(connection, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=4096;");
        Exec(connection, Schema);
        using var transaction = connection.BeginTransaction();

        // Handles and chats.
        var chatCount = Math.Clamp(messageCount / 2000, 6, 500);
        var oneToOne = chatCount * 4 / 5;
        var handleIds = new List<(long Id, string Address, string Service)>();
        using (var insertHandle = Prepare(connection, transaction, "INSERT INTO handle (id, country, service, uncanonicalized_id, person_centric_id) VALUES ($id, 'us', $service, $raw, NULL)", "$id", "$service", "$raw"))
        {
            var handleCount = oneToOne + Math.Max(10, chatCount / 4);
            for (var i = 0; i < handleCount; i++)
            {
                var email = random.Next(10) == 0;
                var address = email
                    ? $"{FirstNames[i % FirstNames.Length]}.{i}@example.com"
                    : "+1555" + (1_000_000 + i * 7919 % 9_000_000).ToString("D7", CultureInfo.InvariantCulture);
                var service = !email && i < oneToOne && random.Next(100) < 15 ? "SMS" : "iMessage";
                insertHandle.Parameters[0].Value = address;
                insertHandle.Parameters[1].Value = service;
                insertHandle.Parameters[2].Value = email ? address : address[2..];
                insertHandle.ExecuteNonQuery();
                handleIds.Add((i + 1, address, service));
            }
        }

        var chats = new List<ChatState>();
        using (var insertChat = Prepare(connection, transaction, "INSERT INTO chat (guid, style, state, account_id, chat_identifier, service_name, room_name, account_login, display_name, group_id) VALUES ($guid, $style, 3, $account, $ident, $service, $room, 'E:me@example.com', $name, $group)", "$guid", "$style", "$account", "$ident", "$service", "$room", "$name", "$group"))
        using (var insertMember = Prepare(connection, transaction, "INSERT INTO chat_handle_join (chat_id, handle_id) VALUES ($c, $h)", "$c", "$h"))
        {
            for (var c = 0; c < chatCount; c++)
            {
                var state = new ChatState { Id = c + 1 };
                string guid, identifier;
                string? room = null, name = null;
                if (c < oneToOne)
                {
                    var handle = handleIds[c];
                    state.Members.Add(handle.Id);
                    state.Service = handle.Service;
                    identifier = handle.Address;
                    guid = $"{handle.Service};-;{identifier}";
                }
                else
                {
                    var size = 2 + (int)Math.Min(30, -Math.Log(1 - random.NextDouble()) * 4);
                    while (state.Members.Count < size)
                    {
                        var h = handleIds[random.Next(handleIds.Count)];
                        if (h.Service == "iMessage" && !state.Members.Contains(h.Id))
                        {
                            state.Members.Add(h.Id);
                        }
                    }

                    state.Service = "iMessage";
                    room = "chat" + random.NextInt64(100_000_000_000_000_000, 999_999_999_999_999_999).ToString(CultureInfo.InvariantCulture);
                    identifier = room;
                    guid = $"iMessage;+;{room}";
                    name = random.Next(3) == 0 ? string.Empty : $"{Capitalize(Words[random.Next(40, 100)])} {Words[random.Next(40, 100)]} {c}";
                    state.Room = room;
                }

                insertChat.Parameters[0].Value = guid;
                insertChat.Parameters[1].Value = state.IsGroup ? 43 : 45;
                insertChat.Parameters[2].Value = Guid(random);
                insertChat.Parameters[3].Value = identifier;
                insertChat.Parameters[4].Value = state.Service;
                insertChat.Parameters[5].Value = (object?)room ?? DBNull.Value;
                insertChat.Parameters[6].Value = (object?)name ?? string.Empty;
                insertChat.Parameters[7].Value = Guid(random);
                insertChat.ExecuteNonQuery();
                foreach (var member in state.Members)
                {
                    insertMember.Parameters[0].Value = state.Id;
                    insertMember.Parameters[1].Value = member;
                    insertMember.ExecuteNonQuery();
                }

                chats.Add(state);
            }
        }

        // Zipf weights over a shuffled chat order: a few chats hold most messages.
        var order = Enumerable.Range(0, chatCount).OrderBy(_ => random.Next()).ToArray();
        var cumulative = new double[chatCount];
        double sum = 0;
        for (var rank = 0; rank < chatCount; rank++)
        {
            sum += 1.0 / Math.Pow(rank + 1, 1.05);
            cumulative[rank] = sum;
        }

        var messageColumns = new[]
        {
            "guid", "text", "attributedBody", "service", "account", "account_guid", "handle_id", "subject", "date", "date_read",
            "date_delivered", "is_delivered", "is_finished", "is_from_me", "is_read", "is_sent", "cache_has_attachments",
            "cache_roomnames", "item_type", "other_handle", "group_title", "group_action_type", "associated_message_guid",
            "associated_message_type", "balloon_bundle_id", "expressive_send_style_id", "associated_message_range_length",
            "message_summary_info", "destination_caller_id", "thread_originator_guid", "thread_originator_part",
            "date_retracted", "date_edited", "part_count",
        };
        using var insertMessage = Prepare(connection, transaction,
            $"INSERT INTO message ({string.Join(", ", messageColumns)}) VALUES ({string.Join(", ", messageColumns.Select(c => "$" + c))})",
            messageColumns.Select(c => "$" + c).ToArray());
        var p = messageColumns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => insertMessage.Parameters[x.i]);
        using var insertJoin = Prepare(connection, transaction, "INSERT INTO chat_message_join (chat_id, message_id, message_date) VALUES ($c, $m, $d)", "$c", "$m", "$d");
        using var insertAttachment = Prepare(connection, transaction,
            "INSERT INTO attachment (guid, created_date, start_date, filename, uti, mime_type, transfer_state, is_outgoing, transfer_name, total_bytes, original_guid) VALUES ($g, $cd, 0, $f, $u, $m, 5, $o, $t, $b, $g)",
            "$g", "$cd", "$f", "$u", "$m", "$o", "$t", "$b");
        using var insertAttachmentJoin = Prepare(connection, transaction, "INSERT INTO message_attachment_join (message_id, attachment_id) VALUES ($m, $a)", "$m", "$a");
        using var insertRecoverable = Prepare(connection, transaction, "INSERT INTO chat_recoverable_message_join (chat_id, message_id, delete_date) VALUES ($c, $m, $d)", "$c", "$m", "$d");

        var encoder = new TypedStreamEncoder();
        var now = Start;
        var spanSeconds = 5 * 365.25 * 86400;
        var meanGap = spanSeconds / Math.Max(1, messageCount);
        long tapbacks = 0, attachments = 0, attributedOnly = 0;
        var runs = new List<TypedStreamEncoder.Run>();
        var text = new StringBuilder();
        for (long rowId = 1; rowId <= messageCount; rowId++)
        {
            now = now.AddSeconds(1 + (-Math.Log(1 - random.NextDouble()) * meanGap));
            var chat = chats[order[Pick(cumulative, random.NextDouble() * sum)]];
            var date = (now - AppleEpoch).Ticks * 100;
            var guid = Guid(random);
            foreach (var parameter in insertMessage.Parameters.Cast<SqliteParameter>())
            {
                parameter.Value = DBNull.Value;
            }

            var fromMe = random.Next(100) < 45;
            long handle = chat.IsGroup ? (fromMe ? 0 : chat.Members[random.Next(chat.Members.Count)]) : chat.Members[0];
            p["guid"].Value = guid;
            p["service"].Value = chat.Service;
            p["account"].Value = "E:me@example.com";
            p["account_guid"].Value = "A1B2C3D4-0000-4000-8000-000000000001";
            p["handle_id"].Value = handle;
            p["date"].Value = date;
            p["date_read"].Value = fromMe ? 0 : date + random.NextInt64(1_000_000_000, 3_600_000_000_000);
            p["date_delivered"].Value = fromMe ? date + random.NextInt64(100_000_000, 5_000_000_000) : 0;
            p["is_delivered"].Value = 1;
            p["is_finished"].Value = 1;
            p["is_from_me"].Value = fromMe ? 1 : 0;
            p["is_read"].Value = fromMe ? 0 : 1;
            p["is_sent"].Value = fromMe ? 1 : 0;
            p["cache_has_attachments"].Value = 0;
            p["cache_roomnames"].Value = (object?)chat.Room ?? DBNull.Value;
            p["item_type"].Value = 0;
            p["other_handle"].Value = 0;
            p["group_action_type"].Value = 0;
            p["associated_message_type"].Value = 0;
            p["associated_message_range_length"].Value = 0;
            p["destination_caller_id"].Value = fromMe ? (chat.Service == "SMS" ? "+15550000000" : "me@example.com") : DBNull.Value;
            p["date_retracted"].Value = 0;
            p["date_edited"].Value = 0;
            p["part_count"].Value = 1;

            var roll = random.Next(10_000);
            if (chat.Recent.Count > 0 && roll < 550)
            {
                // Tapback on a recent message of the chat.
                var target = chat.Recent[random.Next(chat.Recent.Count)];
                var kind = PickWeighted(TapbackWeights, random);
                var removed = random.Next(100) < 8;
                p["associated_message_guid"].Value = $"p:0/{target.Guid}";
                p["associated_message_type"].Value = (removed ? 3000 : 2000) + kind;
                p["associated_message_range_length"].Value = target.Length;
                var description = $"{(removed ? "Removed a reaction from" : TapbackVerbs[kind])} \u201C{Snippet(target.Text)}\u201D";
                p["text"].Value = description;
                p["attributedBody"].Value = encoder.Encode([new(description, [new("__kIMMessagePartAttributeName", 0L)])]);
                tapbacks++;
            }
            else if (chat.IsGroup && roll is >= 550 and < 590)
            {
                // Group event: rename, member added or removed, photo changed.
                var which = random.Next(4);
                p["item_type"].Value = which switch { 0 => 2, 1 or 2 => 1, _ => 3 };
                p["group_action_type"].Value = which switch { 2 => 1, 3 => 1, _ => 0 };
                if (which == 0)
                {
                    p["group_title"].Value = $"{Capitalize(Words[random.Next(40, 100)])} {Words[random.Next(40, 100)]}";
                }
                else if (which is 1 or 2)
                {
                    p["other_handle"].Value = chat.Members[random.Next(chat.Members.Count)];
                }
            }
            else if (roll is >= 590 and < 600)
            {
                // Unsent (iOS 16+): no body left, date_retracted set, summary lists part 0 as retracted.
                p["date_retracted"].Value = date + 60_000_000_000;
                p["date_edited"].Value = date + 60_000_000_000;
                p["message_summary_info"].Value = PlistWriter.ToBinary(new PlistDictionary
                {
                    { "otr", new PlistDictionary { { "0", new PlistDictionary { { "le", new PlistInteger(10) }, { "lo", new PlistInteger(0) } } } } },
                    { "rp", new PlistArray { new PlistInteger(0) } },
                });
            }
            else
            {
                runs.Clear();
                var attachmentCount = random.Next(100) < 4 ? (random.Next(10) == 0 ? 2 + random.Next(2) : 1) : 0;
                var attachmentGuids = new List<string>();
                for (var a = 0; a < attachmentCount; a++)
                {
                    var attachmentGuid = Guid(random);
                    attachmentGuids.Add(attachmentGuid);
                    runs.Add(new("\uFFFC", [new("__kIMBaseWritingDirectionAttributeName", -1L), new("__kIMFileTransferGUIDAttributeName", attachmentGuid), new("__kIMMessagePartAttributeName", (long)a)]));
                }

                var hasText = attachmentCount == 0 || random.Next(100) < 30;
                var part = (long)attachmentCount;
                if (hasText)
                {
                    var plain = Sentence(random, text);
                    var attributes = new List<KeyValuePair<string, object>> { new("__kIMBaseWritingDirectionAttributeName", -1L), new("__kIMMessagePartAttributeName", part) };
                    var special = random.Next(100);
                    if (special < 5)
                    {
                        var url = $"https://www.example.com/{Words[random.Next(40, 100)]}/{random.Next(100_000)}";
                        runs.Add(new(plain + " ", attributes));
                        runs.Add(new(url, [.. attributes, new("__kIMLinkAttributeName", new Uri(url))]));
                    }
                    else if (special < 8 && chat.IsGroup)
                    {
                        var mentioned = handleIds[(int)chat.Members[random.Next(chat.Members.Count)] - 1].Address;
                        runs.Add(new("@" + FirstNames[random.Next(FirstNames.Length)], [.. attributes, new("__kIMMentionConfirmedMention", mentioned)]));
                        runs.Add(new(" " + plain, attributes));
                    }
                    else
                    {
                        runs.Add(new(plain, attributes));
                    }
                }

                var body = string.Concat(runs.Select(r => r.Text));
                var blob = encoder.Encode(runs);
                var storage = random.Next(100);
                var edited = hasText && random.Next(1000) < 5;
                if (edited)
                {
                    var before = Sentence(random, text);
                    p["date_edited"].Value = date + 120_000_000_000;
                    p["message_summary_info"].Value = PlistWriter.ToBinary(new PlistDictionary
                    {
                        { "otr", new PlistDictionary { { part.ToString(CultureInfo.InvariantCulture), new PlistDictionary { { "le", new PlistInteger(body.Length) }, { "lo", new PlistInteger(0) } } } } },
                        {
                            "ec", new PlistDictionary
                            {
                                {
                                    part.ToString(CultureInfo.InvariantCulture), new PlistArray
                                    {
                                        new PlistDictionary { { "d", new PlistReal((now - AppleEpoch).TotalSeconds) }, { "t", new PlistData(encoder.Encode([new(before, [new("__kIMMessagePartAttributeName", part)])])) } },
                                        new PlistDictionary { { "d", new PlistReal((now - AppleEpoch).TotalSeconds + 120) }, { "t", new PlistData(blob) } },
                                    }
                                },
                            }
                        },
                    });
                }

                if (edited || storage < 30)
                {
                    p["attributedBody"].Value = blob; // modern rows: the body only in attributedBody
                    attributedOnly++;
                }
                else if (storage < 90)
                {
                    p["text"].Value = body;
                    p["attributedBody"].Value = blob;
                }
                else
                {
                    p["text"].Value = body; // older rows: text only
                }

                p["part_count"].Value = attachmentCount + (hasText ? 1 : 0);
                if (chat.Recent.Count > 0 && random.Next(100) < 3)
                {
                    var original = chat.Recent[random.Next(chat.Recent.Count)];
                    p["thread_originator_guid"].Value = original.Guid;
                    p["thread_originator_part"].Value = $"0:0:{original.Length}";
                }

                if (random.Next(1000) < 3)
                {
                    p["expressive_send_style_id"].Value = Effects[random.Next(Effects.Length)];
                }

                if (random.Next(1000) < 1)
                {
                    p["subject"].Value = Capitalize(Words[random.Next(40, 100)]);
                }

                if (attachmentCount > 0)
                {
                    p["cache_has_attachments"].Value = 1;
                }

                insertMessage.ExecuteNonQuery();
                for (var a = 0; a < attachmentCount; a++)
                {
                    var type = AttachmentTypes[random.Next(AttachmentTypes.Length)];
                    var name = type.Ext == "caf" ? "Audio Message.caf" : $"IMG_{random.Next(1000, 9999)}.{type.Ext}";
                    var folder = random.Next(256).ToString("x2", CultureInfo.InvariantCulture);
                    insertAttachment.Parameters[0].Value = attachmentGuids[a];
                    insertAttachment.Parameters[1].Value = (long)(now - AppleEpoch).TotalSeconds;
                    insertAttachment.Parameters[2].Value = $"~/Library/SMS/Attachments/{folder}/{random.Next(16):D2}/{attachmentGuids[a]}/{name}";
                    insertAttachment.Parameters[3].Value = type.Uti;
                    insertAttachment.Parameters[4].Value = type.Mime;
                    insertAttachment.Parameters[5].Value = fromMe ? 1 : 0;
                    insertAttachment.Parameters[6].Value = name;
                    insertAttachment.Parameters[7].Value = random.NextInt64(20_000, 8_000_000);
                    insertAttachment.ExecuteNonQuery();
                    attachments++;
                    insertAttachmentJoin.Parameters[0].Value = rowId;
                    insertAttachmentJoin.Parameters[1].Value = attachments;
                    insertAttachmentJoin.ExecuteNonQuery();
                }

                Join(rowId);
                if (random.Next(10_000) < 5)
                {
                    insertRecoverable.Parameters[0].Value = chat.Id;
                    insertRecoverable.Parameters[1].Value = rowId;
                    insertRecoverable.Parameters[2].Value = date + 86_400_000_000_000;
                    insertRecoverable.ExecuteNonQuery();
                }

                if (body.Length > 0)
                {
                    chat.Remember(guid, body.Replace("\uFFFC", string.Empty, StringComparison.Ordinal), body.Length);
                }

                continue;
            }

            insertMessage.ExecuteNonQuery();
            Join(rowId);

            void Join(long id)
            {
                insertJoin.Parameters[0].Value = chat.Id;
                insertJoin.Parameters[1].Value = id;
                insertJoin.Parameters[2].Value = date;
                insertJoin.ExecuteNonQuery();
            }
        }

        transaction.Commit();
        Exec(connection, Indexes);
        return new Summary(messageCount, chatCount, handleIds.Count, tapbacks, attachments, attributedOnly);
    }

    /// <summary>Decodes a sample of the generated bodies with Keepsake's decoder: the generator must write what it says.</summary>
    public static void SelfCheck(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ROWID, text, attributedBody FROM message WHERE text IS NOT NULL AND attributedBody IS NOT NULL AND ROWID % 97 = 0 LIMIT 2000";
        using var reader = command.ExecuteReader();
        var checkedCount = 0;
        while (reader.Read())
        {
            var body = AttributedBodyDecoder.Decode((byte[])reader.GetValue(2));
            if (body.Text != reader.GetString(1) || body.Diagnostics.Count > 0)
            {
                throw new InvalidOperationException($"generated body of message {reader.GetInt64(0)} decodes to '{body.Text}', expected '{reader.GetString(1)}'");
            }

            checkedCount++;
        }

        if (checkedCount == 0)
        {
            throw new InvalidOperationException("no generated bodies to check");
        }
    }

    private static int Pick(double[] cumulative, double value)
    {
        var index = Array.BinarySearch(cumulative, value);
        return Math.Min(cumulative.Length - 1, index < 0 ? ~index : index);
    }

    private static int PickWeighted(int[] weights, Random random)
    {
        var roll = random.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            roll -= weights[i];
            if (roll < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private static string Sentence(Random random, StringBuilder builder)
    {
        builder.Clear();
        var words = 1 + (int)Math.Min(80, -Math.Log(1 - random.NextDouble()) * 8);
        for (var i = 0; i < words; i++)
        {
            if (i > 0)
            {
                builder.Append(random.Next(60) == 0 ? '\n' : ' ');
            }

            var word = Words[random.Next(Words.Length)];
            builder.Append(i == 0 ? Capitalize(word) : word);
        }

        builder.Append(random.Next(4) switch { 0 => "!", 1 => "?", _ => "." });
        return builder.ToString();
    }

    private static string Snippet(string text) => text.Length <= 40 ? text : text[..40] + "\u2026";

    private static string Capitalize(string word) => word.Length == 0 || !char.IsAsciiLetterLower(word[0]) ? word : char.ToUpperInvariant(word[0]) + word[1..];

    private static string Guid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString("D").ToUpperInvariant();
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }

        command.Prepare();
        return command;
    }

    private sealed class ChatState
    {
        public long Id { get; init; }

        public List<long> Members { get; } = [];

        public string Service { get; set; } = "iMessage";

        public string? Room { get; set; }

        public bool IsGroup => Room is not null;

        /// <summary>The last messages with text, for tapbacks and replies to point at.</summary>
        public List<(string Guid, string Text, int Length)> Recent { get; } = [];

        public void Remember(string guid, string text, int length)
        {
            if (Recent.Count == 30)
            {
                Recent.RemoveAt(0);
            }

            Recent.Add((guid, text, length));
        }
    }

    // The tables of a current chat.db / sms.db (macOS 14, iOS 17), columns as Apple declares them.
    private const string Schema = """
        CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
        CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service) );
        CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0, last_addressed_handle TEXT, display_name TEXT, group_id TEXT, is_filtered INTEGER DEFAULT 0, successful_query INTEGER, engram_id TEXT, server_change_token TEXT, ck_sync_state INTEGER DEFAULT 0, original_group_id TEXT, last_read_message_timestamp INTEGER DEFAULT 0, cloudkit_record_id TEXT, last_addressed_sim_id TEXT, is_blackholed INTEGER DEFAULT 0, syndication_date INTEGER DEFAULT 0, syndication_type INTEGER DEFAULT 0, is_recovered INTEGER DEFAULT 0, is_deleting_incoming_messages INTEGER DEFAULT 0);
        CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0, is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, is_auto_reply INTEGER DEFAULT 0, is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_system_message INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0, is_service_message INTEGER DEFAULT 0, is_forward INTEGER DEFAULT 0, was_downgraded INTEGER DEFAULT 0, is_archive INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT, was_data_detected INTEGER DEFAULT 0, was_deduplicated INTEGER DEFAULT 0, is_audio_message INTEGER DEFAULT 0, is_played INTEGER DEFAULT 0, date_played INTEGER, item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT, group_action_type INTEGER DEFAULT 0, share_status INTEGER DEFAULT 0, share_direction INTEGER DEFAULT 0, is_expirable INTEGER DEFAULT 0, expire_state INTEGER DEFAULT 0, message_action_type INTEGER DEFAULT 0, message_source INTEGER DEFAULT 0, associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, payload_data BLOB, expressive_send_style_id TEXT, associated_message_range_location INTEGER DEFAULT 0, associated_message_range_length INTEGER DEFAULT 0, time_expressive_send_played INTEGER, message_summary_info BLOB, ck_sync_state INTEGER DEFAULT 0, ck_record_id TEXT, ck_record_change_tag TEXT, destination_caller_id TEXT, is_corrupt INTEGER DEFAULT 0, reply_to_guid TEXT, sort_id INTEGER, is_spam INTEGER DEFAULT 0, has_unseen_mention INTEGER DEFAULT 0, thread_originator_guid TEXT, thread_originator_part TEXT, syndication_ranges TEXT, synced_syndication_ranges TEXT, was_delivered_quietly INTEGER DEFAULT 0, did_notify_recipient INTEGER DEFAULT 0, date_retracted INTEGER DEFAULT 0, date_edited INTEGER DEFAULT 0, was_detonated INTEGER DEFAULT 0, part_count INTEGER, is_stewie INTEGER DEFAULT 0, is_kt_verified INTEGER DEFAULT 0, is_sos INTEGER DEFAULT 0, is_critical INTEGER DEFAULT 0, bia_reference_id TEXT DEFAULT NULL, fallback_hash TEXT DEFAULT NULL, associated_message_emoji TEXT DEFAULT NULL, is_pending_satellite_send INTEGER DEFAULT 0, needs_relay INTEGER DEFAULT 0, schedule_type INTEGER DEFAULT 0, schedule_state INTEGER DEFAULT 0, sent_or_received_off_grid INTEGER DEFAULT 0);
        CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0, user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0, is_sticker INTEGER DEFAULT 0, sticker_user_info BLOB, attribution_info BLOB, hide_attachment INTEGER DEFAULT 0, ck_sync_state INTEGER DEFAULT 0, ck_server_change_token_blob BLOB, ck_record_id TEXT, original_guid TEXT UNIQUE NOT NULL, is_commsafety_sensitive INTEGER DEFAULT 0, emoji_image_content_identifier TEXT DEFAULT NULL, emoji_image_short_description TEXT DEFAULT NULL, preview_generation_state INTEGER DEFAULT 0);
        CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
        CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
        CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id));
        CREATE TABLE chat_recoverable_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, delete_date INTEGER, ck_sync_state INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id), CHECK (delete_date != 0));
        CREATE TABLE deleted_messages (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, guid TEXT NOT NULL);
        INSERT INTO _SqliteDatabaseProperties VALUES ('_ClientVersion', '18017');
        """;

    // Apple's indexes, created after the rows are in (faster than maintaining them row by row).
    private const string Indexes = """
        CREATE INDEX message_idx_date ON message(date);
        CREATE INDEX message_idx_thread_originator_guid ON message(thread_originator_guid);
        CREATE INDEX message_idx_handle ON message(handle_id, date);
        CREATE INDEX message_idx_handle_id ON message(handle_id);
        CREATE INDEX message_idx_is_sent_is_from_me_error ON message(is_sent, is_from_me, error);
        CREATE INDEX message_idx_associated_message ON message(associated_message_guid);
        CREATE INDEX message_idx_cache_has_attachments ON message(cache_has_attachments);
        CREATE INDEX message_idx_other_handle ON message(other_handle);
        CREATE INDEX message_idx_was_downgraded ON message(was_downgraded);
        CREATE INDEX message_idx_expire_state ON message(expire_state);
        CREATE INDEX message_idx_is_read ON message(is_read, is_from_me, is_finished);
        CREATE INDEX message_idx_isRead_isFromMe_itemType ON message(is_read, is_from_me, item_type);
        CREATE INDEX message_idx_failed ON message(is_finished, is_from_me, error);
        CREATE INDEX message_idx_schedule_state ON message(schedule_state);
        CREATE INDEX chat_message_join_idx_message_id_only ON chat_message_join(message_id);
        CREATE INDEX chat_message_join_idx_chat_id ON chat_message_join(chat_id);
        CREATE INDEX chat_message_join_idx_message_date_id_chat_id ON chat_message_join(chat_id, message_date, message_id);
        CREATE INDEX chat_handle_join_idx_handle_id ON chat_handle_join(handle_id);
        CREATE INDEX message_attachment_join_idx_message_id ON message_attachment_join(message_id);
        CREATE INDEX message_attachment_join_idx_attachment_id ON message_attachment_join(attachment_id);
        CREATE INDEX chat_recoverable_message_join_message_id_idx ON chat_recoverable_message_join(message_id);
        CREATE INDEX chat_idx_chat_identifier ON chat(chat_identifier);
        CREATE INDEX chat_idx_chat_identifier_service_name ON chat(chat_identifier, service_name);
        """;
}
