using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using QuantumLM.Abstractions;
using QuantumLM.ReferenceHost.Tests.Infrastructure;

namespace QuantumLM.ReferenceHost.Tests.Auth;

/// <summary>A host whose external issuer signs with RS256 and publishes its key as a JWKS (served by a tiny local server).</summary>
public sealed class JwksHostFixture : HostFixture
{
    public const string Issuer = "https://asymmetric.example.test/auth/v1";

    private WebApplication? _jwksServer;

    public RSA Rsa { get; } = RSA.Create(2048);

    public RsaSecurityKey Key => new(Rsa) { KeyId = "test-key-1" };

    private Uri _jwksUrl = null!;

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--QuantumLM:Auth:External:Issuer", Issuer,
        "--QuantumLM:Auth:External:JwksUrl", _jwksUrl.ToString(),
    ];

    public override async Task InitializeAsync()
    {
        JsonWebKey jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(Rsa.ExportParameters(false)) { KeyId = "test-key-1" });
        string jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        WebApplicationBuilder b = WebApplication.CreateSlimBuilder();
        b.WebHost.UseUrls("http://127.0.0.1:0");
        _jwksServer = b.Build();
        _jwksServer.MapGet("/jwks.json", () => Results.Text(jwks, "application/json"));
        await _jwksServer.StartAsync();
        _jwksUrl = new Uri(new Uri(_jwksServer.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/jwks.json");
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_jwksServer is not null)
        {
            await _jwksServer.DisposeAsync();
        }

        Rsa.Dispose();
    }
}

public sealed class JwksIssuerTests(JwksHostFixture host) : IClassFixture<JwksHostFixture>
{
    private static string Sign(SecurityKey key, string alg, UserId user) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = JwksHostFixture.Issuer,
        Audience = "authenticated",
        Expires = DateTime.UtcNow.AddMinutes(5),
        Claims = new Dictionary<string, object> { ["sub"] = user.ToString(), ["email"] = $"j{Guid.NewGuid():N}@example.test", ["role"] = "authenticated" },
        SigningCredentials = new SigningCredentials(key, alg),
    });

    private async Task<HttpStatusCode> ProfileStatusAsync(string token)
    {
        using HttpClient client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await client.GetAsync("/api/auth/profile")).StatusCode;
    }

    [Fact]
    public async Task Rs256TokenVerifiedThroughJwks_IsAccepted()
    {
        var user = UserId.New();
        Assert.Equal(HttpStatusCode.OK, await ProfileStatusAsync(Sign(host.Key, SecurityAlgorithms.RsaSha256, user)));
    }

    [Fact]
    public async Task TokenSignedByAnotherKey_OrWithHmac_Is401()
    {
        using RSA other = RSA.Create(2048);
        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileStatusAsync(Sign(new RsaSecurityKey(other) { KeyId = "test-key-1" }, SecurityAlgorithms.RsaSha256, UserId.New())));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileStatusAsync(Sign(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256, UserId.New())));
    }
}
