using System.Text;
using Keepsake.Service.Configuration;
using Keepsake.TestKit;

namespace Keepsake.Service.Tests.Configuration;

public sealed class ServiceConfigFileTests
{
    [Fact]
    public void Load_NoFile_GivesTheDocumentedDefaults()
    {
        using var dir = new TempDirectory();
        var config = ServiceConfigFile.Load(dir.Combine("none.json"));
        var schedule = config.For("00008030-ANY");
        Assert.Equal(TimeSpan.FromHours(24), schedule.Interval);
        Assert.Equal((7, 4, 12, int.MaxValue), (schedule.Retention.Daily, schedule.Retention.Weekly, schedule.Retention.Monthly, schedule.Retention.Yearly));
        Assert.True(schedule.Usb && schedule.Network);
        Assert.Equal(TimeSpan.FromDays(7), config.StaleAfter);
    }

    [Fact]
    public void Parse_PhoneEntry_InheritsDefaultsAndOverrides()
    {
        var config = Parse("""{ "defaults": { "everyHours": 12 }, "phones": { "00008030-A": { "connections": ["usb"], "window": { "from": "22:00", "to": "06:00" } } } }""");
        var phone = config.For("00008030-a");
        Assert.Equal(TimeSpan.FromHours(12), phone.Interval);
        Assert.True(phone.Usb);
        Assert.False(phone.Network);
        Assert.True(phone.Window!.Contains(new TimeOnly(23, 0)));
        Assert.True(phone.Window.Contains(new TimeOnly(5, 59)));
        Assert.False(phone.Window.Contains(new TimeOnly(12, 0)));
    }

    [Theory]
    [InlineData("{ \"defaults\": { \"everyHour\": 12 } }", "defaults.everyHour", "not a known field")]
    [InlineData("{ \"defaults\": { \"everyHours\": \"daily\" } }", "defaults.everyHours", "number of hours")]
    [InlineData("{ \"phones\": { \"X\": { \"window\": { \"from\": \"25:00\", \"to\": \"06:00\" } } } }", "phones.X.window.from", "'25:00' is not a time")]
    [InlineData("{ \"phones\": { \"X\": { \"connections\": [\"bluetooth\"] } } }", "phones.X.connections", "'bluetooth' is not a connection")]
    [InlineData("{ \"defaults\": { \"retention\": { \"daily\": 0, \"weekly\": 0, \"monthly\": 0, \"yearly\": 0 } } }", "defaults.retention", "keeps nothing")]
    [InlineData("{ \"alerts\": { \"webhook\": \"ftp://x\" } }", "alerts.webhook", "not an http(s) URL")]
    [InlineData("{ \"checkReadDataSubset\": \"150%\" }", "checkReadDataSubset", "not a share")]
    [InlineData("{ \"copy\": { \"passwordFile\": \"/x\" } }", "copy.to", "is missing")]
    [InlineData("[1, 2]", "(top level)", "must be an object")]
    public void Parse_BadField_ThrowsNamingTheField(string json, string field, string why)
    {
        var e = Assert.Throws<ServeConfigurationException>(() => Parse(json));
        Assert.Equal(field, e.Field);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("config.json: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotJson_SaysWhere()
    {
        var e = Assert.Throws<ServeConfigurationException>(() => Parse("{\n  \"defaults\": {\n    \"everyHours\": 12,,\n  }\n}"));
        Assert.Contains("not valid JSON at line 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_CorruptConfig_FailsAtStartNamingFileAndField()
    {
        var e = await Assert.ThrowsAsync<ServeConfigurationException>(() => ServiceFixture.StartAsync((dir, options) =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(options.ConfigPath)!);
            File.WriteAllText(options.ConfigPath!, """{ "lockedRetryMinutes": -5 }""");
            return options;
        }));
        Assert.Equal("lockedRetryMinutes", e.Field);
        Assert.Contains("config.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ThenParse_RoundTrips()
    {
        var config = Parse("""{ "phones": { "00008030-A": { "everyHours": 6, "retention": { "last": 3 } } }, "copy": { "to": "/mnt/offsite" }, "alerts": { "staleAfterDays": 3, "webhook": { "url": "http://127.0.0.1:1/x", "priority": "urgent" } } }""");
        using var buffer = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            ServiceConfigFile.Write(w, config);
        }

        var again = ServiceConfigFile.Parse(buffer.ToArray(), "again");
        Assert.Equal(TimeSpan.FromHours(6), again.For("00008030-A").Interval);
        Assert.Equal(3, again.For("00008030-A").Retention.Last);
        Assert.Equal("/mnt/offsite", again.CopyTo);
        Assert.Equal("urgent", again.WebhookPriority);
        Assert.Equal(TimeSpan.FromDays(3), again.StaleAfter);
    }

    private static ServiceConfig Parse(string json) => ServiceConfigFile.Parse(Encoding.UTF8.GetBytes(json), "config.json");
}
