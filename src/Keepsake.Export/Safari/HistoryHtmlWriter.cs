using System.Globalization;
using System.Net;

namespace Keepsake.Export.Safari;

/// <summary>
/// Safari history as a page a person reads: one section per day (in the chosen time zone, newest
/// first as Safari shows it), each visit a line with its time, its title linked to the address, and
/// the site's host. Each visit keeps the id <c>v-&lt;visit id&gt;</c> and each day <c>d-yyyy-MM-dd</c>.
/// Written to <c>.partial</c> and renamed into place by <see cref="Commit"/>.
/// </summary>
internal sealed class HistoryHtmlWriter : IDisposable
{
    private readonly List<(long Id, DateTimeOffset? Time, string? Title, string? Url, long? Count, string Origin)> _visits = [];
    private readonly string _path;
    private readonly TimeZoneInfo _zone;
    private bool _committed;

    public HistoryHtmlWriter(string path, TimeZoneInfo? zone)
    {
        _path = path;
        _zone = zone ?? TimeZoneInfo.Utc;
    }

    public long Rows => _visits.Count;

    public void Write(long id, DateTimeOffset? time, string? title, string? url, long? count, string origin) =>
        _visits.Add((id, time, title, url, count, origin));

    public void Commit()
    {
        var partial = _path + ".partial";
        using (var output = new StreamWriter(partial, false, ExportFiles.Utf8))
        {
            output.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>Safari history</title>");
            output.Write("<style>body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0 auto;max-width:52em;padding:1em;color:#222}"
                + "h1{font-size:1.5em;margin-bottom:.2em}.zone{color:#666;margin-top:0}h2{font-size:1.05em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}"
                + "ol{list-style:none;padding:0;margin:0}li{display:flex;gap:.8em;padding:.25em 0;align-items:baseline}time{color:#888;font-variant-numeric:tabular-nums;min-width:3.2em}"
                + "a{color:#0b57d0;text-decoration:none;overflow-wrap:anywhere}a:hover{text-decoration:underline}.host{color:#777;font-size:.85em;white-space:nowrap}.icloud{color:#999;font-size:.8em}</style></head><body>\n");
            output.Write($"<h1>Safari history</h1><p class=\"zone\">{_visits.Count.ToString(CultureInfo.InvariantCulture)} visits \u00B7 times in {E(ExportFiles.DescribeZone(_zone))}</p>\n");
            foreach (var day in _visits.OrderByDescending(v => v.Time).ThenByDescending(v => v.Id).GroupBy(v => v.Time is { } t ? TimeZoneInfo.ConvertTime(t, _zone).Date : (DateTime?)null))
            {
                var heading = day.Key is { } d ? d.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture) : "Date unknown";
                var id = day.Key is { } k ? "d-" + k.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "d-unknown";
                output.Write($"<section><h2 id=\"{id}\">{E(heading)}</h2><ol>\n");
                foreach (var visit in day)
                {
                    var local = visit.Time is { } t ? TimeZoneInfo.ConvertTime(t, _zone) : (DateTimeOffset?)null;
                    var time = local is { } l ? $"<time datetime=\"{l.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)}\">{l.ToString("HH:mm", CultureInfo.InvariantCulture)}</time>" : "<time></time>";
                    var label = string.IsNullOrWhiteSpace(visit.Title) ? visit.Url ?? "(no address)" : visit.Title;
                    var link = visit.Url is { } u && Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                        ? $"<a href=\"{E(uri.AbsoluteUri)}\" rel=\"noreferrer\" title=\"{E(u)}\">{E(label)}</a> <span class=\"host\">{E(uri.Host)}</span>"
                        : $"<span>{E(label)}</span>";
                    var origin = visit.Origin == "icloud" ? " <span class=\"icloud\">(another device)</span>" : string.Empty;
                    output.Write($"<li id=\"v-{visit.Id.ToString(CultureInfo.InvariantCulture)}\">{time}<span>{link}{origin}</span></li>\n");
                }

                output.Write("</ol></section>\n");
            }

            output.Write("</body></html>\n");
        }

        ExportFiles.Commit(partial, _path);
        _committed = true;
    }

    public void Dispose()
    {
        if (!_committed)
        {
            ExportFiles.TryDelete(_path + ".partial");
        }
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
