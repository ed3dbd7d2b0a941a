using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace QuantumLM.ReferenceHost.Tests.Infrastructure;

public sealed class HostSmokeTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task Api_WithoutToken_Is401()
    {
        using HttpClient client = host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/whoami")).StatusCode);
    }

    [Fact]
    public async Task Api_WithToken_KnowsTheCaller()
    {
        TestUser user = await host.CreateUserAsync();
        using JsonDocument body = JsonDocument.Parse(await user.Client.GetStringAsync("/api/whoami"));
        Assert.Equal(user.Id.ToString(), body.RootElement.GetProperty("user_id").GetString());
    }
}
