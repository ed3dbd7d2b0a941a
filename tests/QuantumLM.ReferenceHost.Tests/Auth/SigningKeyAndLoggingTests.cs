using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using QuantumLM.ReferenceHost.Tests.Infrastructure;
using QuantumLM.Testing;

namespace QuantumLM.ReferenceHost.Tests.Auth;

/// <summary>A host started with nothing but a database: the ephemeral key, its warning, and what the logs contain.</summary>
public sealed class SigningKeyAndLoggingTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly CapturingLoggerProvider _logs = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        string? savedKey = Environment.GetEnvironmentVariable("QuantumLM__Auth__SigningKey");
        Environment.SetEnvironmentVariable("QuantumLM__Auth__SigningKey", null);
        try
        {
            _app = HostApp.Build(
                [
                    "--urls", "http://127.0.0.1:0",
                    "--ConnectionStrings:QuantumLM", _database.AppConnectionString,
                    "--ConnectionStrings:QuantumLMOwner", _database.OwnerConnectionString,
                    "--Logging:LogLevel:Default", "Information",
                    "--QuantumLM:Worker:PollInterval", "00:00:00.200",
                ],
                b => b.Logging.AddProvider(_logs));
        }
        finally
        {
            Environment.SetEnvironmentVariable("QuantumLM__Auth__SigningKey", savedKey);
        }

        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task WithoutAKey_AnEphemeralKeyWorks_ItIsWarnedAbout_AndNoSecretIsLogged()
    {
        Assert.Contains(_logs.Entries, e => e.Id.Id == 5003 && e.Level == LogLevel.Warning);

        string email = $"log{Guid.NewGuid():N}@example.test";
        const string password = "a very secret passphrase";
        Assert.Equal(HttpStatusCode.Created, (await _client.PostObjectAsync("/api/auth/signup", new { email, password })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.PostObjectAsync("/api/auth/login", new { email, password = password + "!" })).StatusCode);
        JsonElement tokens = await (await _client.PostObjectAsync("/api/auth/login", new { email, password })).JsonAsync();
        string access = tokens.GetProperty("access_token").GetString()!;
        string refresh = tokens.GetProperty("refresh_token").GetString()!;
        JsonElement rotated = await (await _client.PostObjectAsync("/api/auth/refresh", new { refresh_token = refresh })).JsonAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.PostObjectAsync("/api/auth/refresh", new { refresh_token = refresh })).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/profile");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(request)).StatusCode);
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/auth/profile");
        forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(forged)).StatusCode);

        Assert.Contains(_logs.Entries, e => e.Id.Id == 5011); // the login was logged (by user id)
        Assert.Contains(_logs.Entries, e => e.Id.Id == 5013); // the reuse was logged
        string[] secrets = [password, email, access, refresh, rotated.GetProperty("refresh_token").GetString()!, access.Split('.')[2]];
        foreach (var entry in _logs.Entries)
        {
            foreach (string secret in secrets)
            {
                Assert.False(entry.Text.Contains(secret, StringComparison.Ordinal), $"{entry.Category} logged a secret: {entry.Text}");
            }
        }
    }

    [Fact]
    public void OpenTelemetry_TracesAndMetricsAreRegistered()
    {
        Assert.NotNull(_app.Services.GetService<TracerProvider>());
        Assert.NotNull(_app.Services.GetService<MeterProvider>());
    }
}
