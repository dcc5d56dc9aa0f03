using System.Data.Common;
using System.Globalization;
using Keepsake.Export.Messages;

namespace Keepsake.Export.WhatsApp;

/// <summary>
/// A shared location (ZMESSAGETYPE 5): its coordinates live in the message's ZWAMEDIAITEM row
/// (ZLATITUDE, ZLONGITUDE), with an optional place name (ZTITLE) and link (ZMEDIAURL).
/// </summary>
internal sealed record WhatsAppLocation(double Latitude, double Longitude, string? Title, string? Url)
{
    /// <summary>The location in the row, or null when the coordinates are absent or out of range.</summary>
    public static WhatsAppLocation? From(DbDataReader reader, int latitude, int longitude, int title, int url)
    {
        var lat = MessageReader.Double(reader, latitude);
        var lon = MessageReader.Double(reader, longitude);
        if (double.IsNaN(lat) || double.IsNaN(lon) || Math.Abs(lat) > 90 || Math.Abs(lon) > 180 || (lat == 0 && lon == 0))
        {
            return null;
        }

        return new WhatsAppLocation(lat, lon, MessageReader.Text(reader, title) is { Length: > 0 } t ? t : null, MessageReader.Text(reader, url) is { Length: > 0 } u ? u : null);
    }

    /// <summary>"Location: 35.638504, -78.876053 (name) https://www.openstreetmap.org/?mlat=…&amp;mlon=…".</summary>
    public string Describe()
    {
        var lat = Latitude.ToString("0.000000", CultureInfo.InvariantCulture);
        var lon = Longitude.ToString("0.000000", CultureInfo.InvariantCulture);
        var name = Title is null ? string.Empty : $" ({Title})";
        return $"Location: {lat}, {lon}{name} https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}";
    }
}
