using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Security;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Tests.Infrastructure;

namespace QuantumLM.ReferenceHost.Tests.Auth;

/// <summary>A host that also accepts tokens of an external, Supabase-like issuer (HS256 with a shared secret).</summary>
public sealed class ExternalIssuerHostFixture : HostFixture
{
    public const string ExternalIssuer = "https://project.supabase.test/auth/v1";

    public string ExternalKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--QuantumLM:Auth:External:Issuer", ExternalIssuer,
        "--QuantumLM:Auth:External:Audience", "authenticated",
        "--QuantumLM:Auth:External:SigningKey", ExternalKey,
    ];
}

public sealed class TokenAuthenticationTests(ExternalIssuerHostFixture host) : IClassFixture<ExternalIssuerHostFixture>
{
    private static string Sign(string key, string issuer, string audience, IDictionary<string, object> claims, DateTimeOffset? expires = null)
    {
        DateTime now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = (expires ?? DateTimeOffset.UtcNow.AddMinutes(10)).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    private static Dictionary<string, object> Claims(UserId user, string role = "authenticated", string? email = null) => new()
    {
        ["sub"] = user.ToString(),
        ["email"] = email ?? $"x{Guid.NewGuid():N}@example.test",
        ["role"] = role,
    };

    private async Task<HttpResponseMessage> ProfileWithAsync(string token)
    {
        using HttpClient client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync("/api/auth/profile");
    }

    private async Task AssertRefusedAsync(string token) =>
        await Problem.AssertAsync(await ProfileWithAsync(token), HttpStatusCode.Unauthorized);

    [Fact]
    public async Task ValidBuiltInToken_IsAccepted() =>
        Assert.Equal(HttpStatusCode.OK, (await ProfileWithAsync((await host.CreateUserAsync()).AccessToken)).StatusCode);

    [Fact]
    public async Task NoToken_And_GarbageToken_Are401()
    {
        using HttpClient client = host.CreateClient();
        await Problem.AssertAsync(await client.GetAsync("/api/auth/profile"), HttpStatusCode.Unauthorized);
        await AssertRefusedAsync("not.a.jwt");
        await AssertRefusedAsync("garbage");
    }

    [Fact]
    public async Task ExpiredToken_Is401()
    {
        TestUser user = await host.CreateUserAsync();
        await AssertRefusedAsync(Sign(host.SigningKey, "quantumlm", "quantumlm", Claims(user.Id), DateTimeOffset.UtcNow.AddMinutes(-5)));
    }

    [Fact]
    public async Task WrongSignature_Is401()
    {
        TestUser user = await host.CreateUserAsync();
        await AssertRefusedAsync(Sign(Convert.ToBase64String(new byte[32]), "quantumlm", "quantumlm", Claims(user.Id)));
    }

    [Fact]
    public async Task AlgNone_Is401()
    {
        TestUser user = await host.CreateUserAsync();
        static string B64(string s) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(s));
        long exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        await AssertRefusedAsync($"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64($$"""{"sub":"{{user.Id}}","iss":"quantumlm","aud":"quantumlm","exp":{{exp}}}""")}.");
    }

    [Fact]
    public async Task TamperedPayload_Is401()
    {
        TestUser victim = await host.CreateUserAsync();
        TestUser attacker = await host.CreateUserAsync();
        string[] parts = attacker.AccessToken.Split('.');
        string payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace(attacker.Id.ToString(), victim.Id.ToString(), StringComparison.Ordinal);
        await AssertRefusedAsync($"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}");
    }

    [Fact]
    public async Task TokenOfUnknownUser_Is401()
    {
        await AssertRefusedAsync(Sign(host.SigningKey, "quantumlm", "quantumlm", Claims(UserId.New())));
    }

    [Fact]
    public async Task TokenOfDeletedUser_Is401_EvenAfterItWasCached()
    {
        TestUser admin = await host.CreateUserAsync(Role.Admin);
        TestUser user = await host.CreateUserAsync();
        Assert.Equal(HttpStatusCode.OK, (await ProfileWithAsync(user.AccessToken)).StatusCode); // existence now cached
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Client.DeleteAsync($"/api/admin/users/{user.Id}")).StatusCode);
        await AssertRefusedAsync(user.AccessToken);
        await Problem.AssertAsync(await admin.Client.DeleteAsync($"/api/admin/users/{user.Id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TokenOfUserDeletedElsewhere_Is401()
    {
        TestUser user = await host.CreateUserAsync();
        Assert.True(await host.App.Services.GetRequiredService<IAccountStore>().DeleteUserAsync(DbIdentity.ForService("tests"), user.Id));
        await AssertRefusedAsync(user.AccessToken);
    }

    [Fact]
    public async Task ExternalToken_IsAccepted_AndProvisionsTheUser()
    {
        var user = UserId.New();
        string email = $"ext{Guid.NewGuid():N}@example.test";
        string token = Sign(host.ExternalKey, ExternalIssuerHostFixture.ExternalIssuer, "authenticated", Claims(user, email: email));
        HttpResponseMessage r = await ProfileWithAsync(token);
        JsonElement profile = await r.JsonAsync();
        Assert.Equal(user.ToString(), profile.GetProperty("user_id").GetString());
        Assert.Equal(email, profile.GetProperty("email").GetString());
        AccountRecord account = (await host.App.Services.GetRequiredService<IAccountStore>().GetAccountAsync(user))!;
        Assert.Equal(ExternalIssuerHostFixture.ExternalIssuer, account.ExternalIssuer);

        // Second request: the user exists already.
        Assert.Equal(HttpStatusCode.OK, (await ProfileWithAsync(token)).StatusCode);
    }

    [Fact]
    public async Task ExternalToken_WrongKey_AnonRole_OrWrongAudience_Is401()
    {
        await AssertRefusedAsync(Sign(host.SigningKey, ExternalIssuerHostFixture.ExternalIssuer, "authenticated", Claims(UserId.New())));
        await AssertRefusedAsync(Sign(host.ExternalKey, ExternalIssuerHostFixture.ExternalIssuer, "authenticated", Claims(UserId.New(), role: "anon")));
        await AssertRefusedAsync(Sign(host.ExternalKey, ExternalIssuerHostFixture.ExternalIssuer, "anon", Claims(UserId.New())));
    }

    [Fact]
    public async Task ExternalToken_CannotActAsABuiltInUser()
    {
        TestUser builtIn = await host.CreateUserAsync();
        await AssertRefusedAsync(Sign(host.ExternalKey, ExternalIssuerHostFixture.ExternalIssuer, "authenticated", Claims(builtIn.Id, email: builtIn.Email)));
    }

    [Fact]
    public async Task BuiltInKey_CannotSignForTheExternalIssuer()
    {
        await AssertRefusedAsync(Sign(host.SigningKey, ExternalIssuerHostFixture.ExternalIssuer, "authenticated", Claims(UserId.New())));
    }
}
