using System.Globalization;
using Keepsake.Plist;
using Microsoft.Data.Sqlite;

namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>sms.db (iOS 16+ layout) and the attachment files.</summary>
internal sealed partial class PhoneWriter
{
    public const string SmsPath = "Library/SMS/sms.db";

    private void WriteMessages()
    {
        foreach (var attachment in plan.Messages.Select(m => (m.Attachment, m.Date)).Where(a => a.Attachment is not null))
        {
            var a = attachment.Attachment!;
            Media(MediaDomain, a.RelativePath, a.Kind, a.Size, attachment.Date, 38.72, -9.14, plan.FileSeed("attachment", a.Id), a.TransferName);
        }

        Database(Home, SmsPath, "sms", plan.Now, db =>
        {
            var handles = new Dictionary<string, long>(StringComparer.Ordinal);
            using (var insertHandle = Insert(db, "handle", "ROWID", "id", "country", "service", "uncanonicalized_id", "person_centric_id"))
            using (var insertChat = Insert(db, "chat", "ROWID", "guid", "style", "state", "account_id", "chat_identifier", "service_name", "room_name", "display_name", "group_id", "is_archived", "is_filtered", "successful_query", "ck_sync_state", "last_read_message_timestamp", "is_blackholed", "is_recovered", "is_deleting_incoming_messages"))
            using (var insertChatHandle = Insert(db, "chat_handle_join", "chat_id", "handle_id"))
            {
                foreach (var conversation in plan.Conversations)
                {
                    foreach (var contactId in conversation.ContactIds)
                    {
                        var address = Address(conversation, contactId);
                        var key = address + "\0" + conversation.Service;
                        if (!handles.TryGetValue(key, out var handle))
                        {
                            handle = handles.Count + 1;
                            handles[key] = handle;
                            Row(insertHandle, handle, address, "us", conversation.Service, address.StartsWith('+') ? address[1..] : address, null);
                        }

                        Row(insertChatHandle, conversation.Id, handle);
                    }

                    var room = conversation.IsGroup ? conversation.Guid.Split(';')[2] : null;
                    Row(insertChat, conversation.Id, conversation.Guid, conversation.IsGroup ? 43 : 45, 3, "A1B2C3D4-0000-4000-8000-000000000001",
                        conversation.IsGroup ? room : Address(conversation, conversation.ContactIds[0]), conversation.Service, room, conversation.DisplayName,
                        $"{conversation.Id:D8}-0000-4000-8000-000000000000", 0, 0, 1, 0, 0, 0, 0, 0);
                }
            }

            var encoder = new TypedStreamEncoder();
            string[] columns =
            [
                "ROWID", "guid", "text", "attributedBody", "service", "account", "account_guid", "handle_id", "date", "date_read", "date_delivered",
                "is_delivered", "is_finished", "is_from_me", "is_read", "is_sent", "cache_has_attachments", "cache_roomnames", "item_type", "other_handle",
                "group_action_type", "associated_message_guid", "associated_message_type", "associated_message_range_length", "message_summary_info",
                "destination_caller_id", "thread_originator_guid", "thread_originator_part", "date_retracted", "date_edited", "part_count", "error", "type",
            ];
            using var insertMessage = Insert(db, "message", columns);
            using var insertJoin = Insert(db, "chat_message_join", "chat_id", "message_id", "message_date");
            using var insertAttachment = Insert(db, "attachment", "ROWID", "guid", "created_date", "start_date", "filename", "uti", "mime_type", "transfer_state", "is_outgoing", "transfer_name", "total_bytes", "is_sticker", "hide_attachment", "original_guid");
            using var insertAttachmentJoin = Insert(db, "message_attachment_join", "message_id", "attachment_id");
            var conversations = plan.Conversations.ToDictionary(c => c.Id);
            foreach (var m in plan.Messages)
            {
                var conversation = conversations[m.ConversationId];
                var handle = m.SenderContactId is { } sender ? handles[Address(conversation, sender) + "\0" + conversation.Service]
                    : conversation.IsGroup ? 0 : handles[Address(conversation, conversation.ContactIds[0]) + "\0" + conversation.Service];
                var date = AppleNanoseconds(m.Date);
                var fromMe = m.SenderContactId is null;
                byte[]? body = null;
                byte[]? summary = null;
                if (m.Unsent)
                {
                    summary = PlistWriter.ToBinary(new PlistDictionary { ["otr"] = new PlistDictionary(), ["rp"] = new PlistArray { new PlistInteger(0) } });
                }
                else if (m.Attachment is { } a)
                {
                    body = encoder.Encode([new("\uFFFC", [new("__kIMFileTransferGUIDAttributeName", a.Guid), new("__kIMMessagePartAttributeName", 0L)])]);
                }
                else
                {
                    body = encoder.Encode([new(m.Text, [new("__kIMMessagePartAttributeName", 0L)])]);
                    if (m.EditedFrom is { } before)
                    {
                        summary = PlistWriter.ToBinary(new PlistDictionary
                        {
                            ["otr"] = new PlistDictionary { ["0"] = new PlistDictionary { ["le"] = new PlistInteger(m.Text.Length), ["lo"] = new PlistInteger(0) } },
                            ["ec"] = new PlistDictionary
                            {
                                ["0"] = new PlistArray
                                {
                                    new PlistDictionary { ["d"] = new PlistReal(AppleSeconds(m.Date)), ["t"] = new PlistData(encoder.Encode([new(before, [new("__kIMMessagePartAttributeName", 0L)])])) },
                                    new PlistDictionary { ["d"] = new PlistReal(AppleSeconds(m.Date) + 120), ["t"] = new PlistData(body) },
                                },
                            },
                        });
                    }
                }

                Row(insertMessage, m.Id, m.Guid, m.Unsent ? null : m.Attachment is null ? m.Text : "\uFFFC", body, m.Service, fromMe ? "E:me@example.com" : null, "A1B2C3D4-0000-4000-8000-000000000001",
                    handle, date, fromMe ? 0 : date + 30_000_000_000, fromMe ? date + 2_000_000_000 : 0,
                    1, 1, fromMe ? 1 : 0, fromMe ? 0 : 1, fromMe ? 1 : 0, m.Attachment is null ? 0 : 1, conversation.IsGroup ? conversation.Guid.Split(';')[2] : null, 0, 0,
                    0, m.TapbackOn is { } target ? "p:0/" + target : null, m.TapbackType, m.TapbackOn is null ? 0 : 1, summary,
                    fromMe ? (conversation.Service == "iMessage" ? "me@example.com" : "+15550000000") : null, m.ReplyTo, m.ReplyTo is null ? null : "0:0:1",
                    m.Unsent ? date + 60_000_000_000 : 0, m.Unsent ? date + 60_000_000_000 : m.EditedFrom is null ? 0 : date + 120_000_000_000, 1, 0, 0);
                Row(insertJoin, conversation.Id, m.Id, date);
                if (m.Attachment is { } attachment)
                {
                    var created = (long)AppleSeconds(m.Date);
                    Row(insertAttachment, attachment.Id, attachment.Guid, created, created, "~/" + attachment.RelativePath, attachment.Uti, attachment.MimeType, 5, fromMe ? 1 : 0,
                        attachment.TransferName, new FileInfo(FullPath(MediaDomain, attachment.RelativePath)).Length, 0, 0, attachment.Guid);
                    Row(insertAttachmentJoin, m.Id, attachment.Id);
                }
            }

            Exec(db, "INSERT INTO _SqliteDatabaseProperties (key, value) VALUES ('_ClientVersion', '17013'), ('counter_in_all', '0')");
        });
    }

    private string Address(GeneratedConversation conversation, long contactId)
    {
        var contact = plan.Contacts.FirstOrDefault(c => c.Id == contactId);
        if (contact is null)
        {
            return string.Create(CultureInfo.InvariantCulture, $"+1555{contactId + 100000:D7}");
        }

        return conversation.Service == "iMessage" && contact.Email is { } email ? email : contact.Phone;
    }
}
