using System.Net;
using System.Text.Json;

namespace QuantumLM.ReferenceHost.Tests.Infrastructure;

public sealed class HostSmokeTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task Api_WithoutToken_Is401ProblemWithChallenge()
    {
        using HttpClient client = host.CreateClient();
        HttpResponseMessage r = await client.GetAsync("/api/auth/profile");
        await Problem.AssertAsync(r, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", r.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Api_WithToken_KnowsTheCaller()
    {
        TestUser user = await host.CreateUserAsync();
        JsonElement body = await (await user.Client.GetAsync("/api/auth/profile")).JsonAsync();
        Assert.Equal(user.Id.ToString(), body.GetProperty("user_id").GetString());
        Assert.Equal(user.Email, body.GetProperty("email").GetString());
    }
}
