namespace Keepsake.Service.Phones;

/// <summary>Builds each phone's <see cref="PhoneStatus"/> from what is attached, what is remembered and the schedule.</summary>
public sealed class PhoneStatusReport(PhoneRegistry registry, PhoneStateStore store, Func<PhoneRecord, DateTimeOffset?> nextDue)
{
    public bool UsbmuxdReachable => registry.UsbmuxdReachable;

    public IReadOnlyList<PhoneStatus> Build()
    {
        var attachments = registry.Attachments();
        var udids = store.All().Select(r => r.Udid).Concat(attachments.Select(a => a.Udid)).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal);
        return [.. udids.Select(udid =>
        {
            var record = store.Get(udid);
            var connections = attachments.Where(a => string.Equals(a.Udid, udid, StringComparison.OrdinalIgnoreCase)).Select(a => a.ConnectionType).Distinct().ToList();
            return new PhoneStatus(record, connections, registry.IsRunning(udid), nextDue(record));
        })];
    }
}
