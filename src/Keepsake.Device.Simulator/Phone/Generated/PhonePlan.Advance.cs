namespace Keepsake.Device.Simulator.Phone.Generated;

/// <summary>Days of use: what <see cref="Advance"/> changes.</summary>
public sealed partial class PhonePlan
{
    /// <summary>The most days one advance may cover.</summary>
    public const int MaximumAdvanceDays = 3650;

    /// <summary>
    /// Moves the phone on by <paramref name="days"/>: about 12 new messages a day (every eighth with an
    /// attachment) and 2 new photos a day, 3 older messages and 1 photo deleted, one contact edited, 2
    /// calls a day, and the first remaining app removed (the phone keeps at least one). Deterministic: the
    /// same profile and the same advances give the same phone.
    /// </summary>
    public void Advance(int days)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, MaximumAdvanceDays);
        var random = new Random(unchecked((Profile.Seed * 7919) + (_advances.Count * 104_729) + days));
        var from = Now;
        var to = Now.AddDays(days);
        var meanAttachment = Math.Max(50_000, Profile.Size * 18 / 100 / Math.Max(1, _messages.Count(m => m.Attachment is not null)));

        // Deleted first, so only older items go: plain messages that nothing points at.
        var pointedAt = _messages.Select(m => m.TapbackOn).Concat(_messages.Select(m => m.ReplyTo)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        for (var k = 0; k < 3; k++)
        {
            var candidates = _messages.Where(m => m.TapbackOn is null && m.Attachment is null && m.ReplyTo is null && m.EditedFrom is null && !m.Unsent && !pointedAt.Contains(m.Guid)).ToList();
            if (candidates.Count > 0)
            {
                _messages.Remove(candidates[random.Next(candidates.Count)]);
            }
        }

        if (_assets.Count > 8)
        {
            var deletable = _assets.Where(a => a.LivePhotoVideo is null).ToList();
            _assets.Remove(deletable[random.Next(deletable.Count)]);
        }

        AddMessages(random, from, to, 12 * days, meanAttachment, everyNth: 8);
        var meanAsset = Math.Max(300_000, _assets.Count == 0 ? 1_000_000 : (long)_assets.Average(a => (double)a.Size));
        AddAssets(random, from, to, Math.Min(2 * days, 500), meanAsset);
        AddCalls(random, from, to, Math.Min(2 * days, 500));

        var index = random.Next(_contacts.Count);
        var contact = _contacts[index];
        _contacts[index] = contact with { Organization = "Moved to " + Places[random.Next(Places.Length)], Note = $"Edited on {to:yyyy-MM-dd}", Modified = to };
        if (_apps.Count > 1)
        {
            _apps.RemoveAt(_apps.FindIndex(a => a.BundleId != "net.whatsapp.WhatsApp"));
        }

        Now = to;
        _advances.Add(days);
    }
}
