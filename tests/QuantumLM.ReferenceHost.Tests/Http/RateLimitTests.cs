using System.Net;
using System.Text.Json;
using QuantumLM.ReferenceHost.Tests.Infrastructure;

namespace QuantumLM.ReferenceHost.Tests.Http;

/// <summary>A host with tiny fixed-window limits: 3 requests per user and 5 per IP per minute.</summary>
public sealed class RateLimitedHostFixture : HostFixture
{
    protected override IEnumerable<string> ExtraArguments =>
    [
        "--QuantumLM:Http:RateLimit:Algorithm", "FixedWindow",
        "--QuantumLM:Http:RateLimit:Window", "00:01:00",
        "--QuantumLM:Http:RateLimit:PerUserPermitLimit", "3",
        "--QuantumLM:Http:RateLimit:PerIpPermitLimit", "5",
    ];
}

public sealed class RateLimitTests(RateLimitedHostFixture host) : IClassFixture<RateLimitedHostFixture>
{
    [Fact]
    public async Task OverTheLimits_Is429WithRetryAfter_PerUserThenPerIp_HealthExempt()
    {
        TestUser a = await host.CreateUserAsync();
        TestUser b = await host.CreateUserAsync();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await a.Client.GetAsync("/api/auth/profile")).StatusCode);
        }

        HttpResponseMessage limited = await a.Client.GetAsync("/api/auth/profile");
        JsonElement problem = await Problem.AssertAsync(limited, HttpStatusCode.TooManyRequests);
        int retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("rate_limited", problem.GetProperty("error_code").GetString());

        // User b has a window of their own, but the IP's 5 permits run out within b's next 3 requests (a used 3, plus
        // possibly 1 for the refused request, depending on whether the chained limiter consulted the IP limiter).
        int ok = 0;
        HttpResponseMessage? last = null;
        for (int i = 0; i < 3; i++)
        {
            last = await b.Client.GetAsync("/api/auth/profile");
            if (last.StatusCode == HttpStatusCode.OK)
            {
                ok++;
            }
        }

        Assert.InRange(ok, 1, 2);
        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.True(last.Headers.Contains("Retry-After"));

        using HttpClient anonymous = host.CreateClient();
        Assert.Equal(HttpStatusCode.TooManyRequests, (await anonymous.GetAsync("/api/auth/profile")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }
}
