namespace Keepsake.Web.Tests.Support;

/// <summary>A test that runs only with KEEPSAKE_WEB_SPEED=1 (it needs the large speed phone); skipped with that reason otherwise.</summary>
public sealed class SpeedFactAttribute : FactAttribute
{
    public SpeedFactAttribute()
    {
        if (!WebFixture.SpeedRun)
        {
            Skip = "set KEEPSAKE_WEB_SPEED=1 to make the 100,000-message / 10,000-photo phone and measure it";
        }
    }
}
