using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace QuantumLM.ReferenceHost.Tests;

public sealed class HealthEndpointTests
{
    private static string Database =>
        Environment.GetEnvironmentVariable("QUANTUMLM_DB")
        ?? throw new InvalidOperationException("QUANTUMLM_DB is not set: run the tests through ./test.sh, which prepares PostgreSQL.");

    private static async Task<(WebApplication App, HttpClient Client)> StartAsync(string connectionString)
    {
        WebApplication app = HostApp.Build(
            ["--urls", "http://127.0.0.1:0", "--ConnectionStrings:QuantumLM", connectionString, "--Logging:LogLevel:Default", "Warning"]);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address) });
    }

    [Fact]
    public async Task Live_AnswersOk()
    {
        var (app, client) = await StartAsync(Database);
        await using (app)
        {
            HttpResponseMessage r = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
    }

    [Fact]
    public async Task Ready_WithDatabase_AnswersOk()
    {
        var (app, client) = await StartAsync(Database);
        await using (app)
        {
            HttpResponseMessage r = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("Healthy", await r.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Ready_WithUnreachableDatabase_Answers503_ButLiveStaysOk()
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        var (app, client) = await StartAsync("Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=2");
        await using (app)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        }
    }

    [Fact]
    public void Build_WithoutDatabase_FailsWithAnActionableMessage()
    {
        string? saved = Environment.GetEnvironmentVariable("QUANTUMLM_DB");
        string? savedCs = Environment.GetEnvironmentVariable("ConnectionStrings__QuantumLM");
        try
        {
            Environment.SetEnvironmentVariable("QUANTUMLM_DB", null);
            Environment.SetEnvironmentVariable("ConnectionStrings__QuantumLM", null);
            var ex = Assert.Throws<InvalidOperationException>(() => HostApp.Build([]));
            Assert.Contains("QUANTUMLM_DB", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("QUANTUMLM_DB", saved);
            Environment.SetEnvironmentVariable("ConnectionStrings__QuantumLM", savedCs);
        }
    }
}
