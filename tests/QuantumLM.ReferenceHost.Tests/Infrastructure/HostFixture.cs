using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Security;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Auth;
using QuantumLM.Testing;

namespace QuantumLM.ReferenceHost.Tests.Infrastructure;

/// <summary>
/// The whole reference host on a real Kestrel port (loopback, random), over a throwaway PostgreSQL database that the
/// host migrates at start-up with the owner connection and then uses as the non-owner application role.
/// Shared by the tests of one class (<c>IClassFixture&lt;HostFixture&gt;</c>); every test makes its own users.
/// </summary>
public class HostFixture : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private WebApplication? _app;

    /// <summary>Gets the signing key of this host's built-in issuer (base64), for tests that forge or tamper tokens.</summary>
    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Gets the host's base address.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the running application (its services, for arranging data).</summary>
    public WebApplication App => _app ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>Gets the database.</summary>
    public PostgresDatabase Database => _database;

    /// <summary>Extra command-line settings for this fixture's host (override to change options).</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <inheritdoc />
    public virtual async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--ConnectionStrings:QuantumLM", _database.AppConnectionString,
            "--ConnectionStrings:QuantumLMOwner", _database.OwnerConnectionString,
            "--QuantumLM:Auth:SigningKey", SigningKey,
            "--QuantumLM:Worker:PollInterval", "00:00:00.200",
            "--Logging:LogLevel:Default", "Warning",

            // Generous limits so that busy test classes never meet the production defaults; RateLimitedHostFixture
            // overrides them (later arguments win).
            "--QuantumLM:Http:RateLimit:PerUserPermitLimit", "1000000",
            "--QuantumLM:Http:RateLimit:PerIpPermitLimit", "1000000",
            .. ExtraArguments,
        ];
        _app = HostApp.Build(args);
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    /// <summary>Creates an anonymous client.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    /// <summary>
    /// Creates a user directly in the store (not through the sign-up endpoint), grants it <paramref name="roles"/>,
    /// and returns a client carrying a valid access token for it.
    /// </summary>
    public async Task<TestUser> CreateUserAsync(params Role[] roles)
    {
        IUserStore users = App.Services.GetRequiredService<IUserStore>();
        string email = $"u{Guid.NewGuid():N}@example.test";
        UserId id = await users.CreateUserAsync(email, "not-a-usable-password-hash-" + Guid.NewGuid().ToString("N"), "Test User");
        IRoleStore roleStore = App.Services.GetRequiredService<IRoleStore>();
        foreach (Role role in roles)
        {
            await roleStore.GrantAsync(DbIdentity.ForService("tests"), id, role);
        }

        AccessToken token = App.Services.GetRequiredService<TokenService>().CreateAccessToken(id, email, roles);
        HttpClient client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return new TestUser(id, email, token.Token, client);
    }
}

/// <summary>A user made by <see cref="HostFixture.CreateUserAsync"/>.</summary>
public sealed record TestUser(UserId Id, string Email, string AccessToken, HttpClient Client);
