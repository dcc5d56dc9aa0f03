using Keepsake.Web.Security;

namespace Keepsake.Web.Tests.Security;

public sealed class LoginCodesTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void TryRedeem_AfterAMinute_Fails()
    {
        var clock = new ManualClock();
        var codes = new LoginCodes(clock);
        var late = codes.Issue();
        var inTime = codes.Issue();
        clock.Now += TimeSpan.FromSeconds(59);
        Assert.True(codes.TryRedeem(inTime));
        clock.Now += TimeSpan.FromSeconds(2);
        Assert.False(codes.TryRedeem(late));
    }

    [Fact]
    public void TryRedeem_Twice_SecondFails()
    {
        var codes = new LoginCodes();
        var code = codes.Issue();
        Assert.True(codes.TryRedeem(code));
        Assert.False(codes.TryRedeem(code));
        Assert.False(codes.TryRedeem(null));
        Assert.False(codes.TryRedeem(new string('a', 500)));
    }

    [Fact]
    public void Issue_GivesDifferentUnguessableCodes()
    {
        var codes = new LoginCodes();
        var a = codes.Issue();
        var b = codes.Issue();
        Assert.NotEqual(a, b);
        Assert.True(a.Length >= 43);
    }
}
