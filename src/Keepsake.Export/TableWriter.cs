using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Keepsake.Export;

/// <summary>
/// Streams rows of named columns to CSV (RFC 4180), JSON (an array of objects, no reflection) or an
/// HTML table, into a temporary file that <see cref="Commit"/> renames into place. Values: string,
/// long/int, double, bool, DateTimeOffset (ISO 8601 in the given zone) or null.
/// </summary>
public sealed class TableWriter : IDisposable
{
    private readonly string _path;
    private readonly string _partial;
    private readonly TableFormat _format;
    private readonly string[] _columns;
    private readonly TimeZoneInfo _zone;
    private readonly FileStream _stream;
    private readonly StreamWriter? _text;
    private readonly Utf8JsonWriter? _json;
    private bool _committed;

    public TableWriter(string path, TableFormat format, string title, IReadOnlyList<string> columns, TimeZoneInfo? zone = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(columns);
        _path = path;
        _partial = path + ".partial";
        _format = format;
        _columns = [.. columns];
        _zone = zone ?? TimeZoneInfo.Utc;
        _stream = new FileStream(_partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        switch (format)
        {
            case TableFormat.Json:
                _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                _json.WriteStartArray();
                break;
            case TableFormat.Csv:
                _text = new StreamWriter(_stream, ExportFiles.Utf8);
                _text.Write(string.Join(',', _columns.Select(Messages.Writers.CsvMessageWriter.Escape)) + "\r\n");
                break;
            default:
                _text = new StreamWriter(_stream, ExportFiles.Utf8);
                _text.Write($"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title>");
                _text.Write("<style>body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top;text-align:left}th{background:#eee}</style></head><body>");
                _text.Write($"<h1>{WebUtility.HtmlEncode(title)}</h1><p>All times: {WebUtility.HtmlEncode(ExportFiles.DescribeZone(_zone))}</p><table><thead><tr>");
                foreach (var c in _columns)
                {
                    _text.Write($"<th>{WebUtility.HtmlEncode(c)}</th>");
                }

                _text.Write("</tr></thead><tbody>\n");
                break;
        }
    }

    /// <summary>Rows written.</summary>
    public long Rows { get; private set; }

    /// <summary>Writes one row; <paramref name="values"/> match the columns in order.</summary>
    public void Write(params object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != _columns.Length)
        {
            throw new ArgumentException($"Expected {_columns.Length} values, got {values.Length}.", nameof(values));
        }

        Rows++;
        if (_json is not null)
        {
            _json.WriteStartObject();
            for (var i = 0; i < values.Length; i++)
            {
                _json.WritePropertyName(_columns[i]);
                switch (values[i])
                {
                    case null: _json.WriteNullValue(); break;
                    case bool b: _json.WriteBooleanValue(b); break;
                    case long l: _json.WriteNumberValue(l); break;
                    case int n: _json.WriteNumberValue(n); break;
                    case double d when double.IsFinite(d): _json.WriteNumberValue(d); break;
                    case double: _json.WriteNullValue(); break;
                    default: _json.WriteStringValue(Format(values[i])); break;
                }
            }

            _json.WriteEndObject();
            if (_json.BytesPending > 1 << 16)
            {
                _json.Flush();
            }

            return;
        }

        if (_format == TableFormat.Csv)
        {
            _text!.Write(string.Join(',', values.Select(v => Messages.Writers.CsvMessageWriter.Escape(Format(v)))) + "\r\n");
            return;
        }

        _text!.Write("<tr>");
        foreach (var v in values)
        {
            var text = Format(v);
            if (v is string s && Uri.TryCreate(s, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                _text.Write($"<td><a href=\"{WebUtility.HtmlEncode(uri.AbsoluteUri)}\" rel=\"noreferrer\">{WebUtility.HtmlEncode(text)}</a></td>");
            }
            else
            {
                _text.Write($"<td>{WebUtility.HtmlEncode(text)}</td>");
            }
        }

        _text.Write("</tr>\n");
    }

    /// <summary>Finishes the document and renames it into place.</summary>
    public void Commit()
    {
        if (_json is not null)
        {
            _json.WriteEndArray();
            _json.Flush();
        }
        else if (_format == TableFormat.Html)
        {
            _text!.Write("</tbody></table></body></html>\n");
        }

        _text?.Flush();
        _json?.Dispose();
        _text?.Dispose();
        _stream.Dispose();
        ExportFiles.Commit(_partial, _path);
        _committed = true;
    }

    /// <summary>Closes; an uncommitted file is deleted.</summary>
    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        _json?.Dispose();
        _text?.Dispose();
        _stream.Dispose();
        ExportFiles.TryDelete(_partial);
    }

    /// <summary>File extension for a format.</summary>
    public static string Extension(TableFormat format) => format switch
    {
        TableFormat.Csv => "csv",
        TableFormat.Json => "json",
        _ => "html",
    };

    private string Format(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        DateTimeOffset d => ExportFiles.IsoTime(d, _zone)!,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
