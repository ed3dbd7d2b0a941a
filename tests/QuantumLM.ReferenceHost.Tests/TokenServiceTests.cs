using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Security;
using QuantumLM.ReferenceHost.Auth;

namespace QuantumLM.ReferenceHost.Tests;

public sealed class TokenServiceTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly AuthOptions s_options = new() { SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()) };

    private static TokenService Service(DateTimeOffset now) => new(Options.Create(s_options), new FixedTime(now));

    private static Task<TokenValidationResult> ValidateAsync(string token, AuthOptions? o = null) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, TokenService.BuiltInValidation(o ?? s_options));

    [Fact]
    public async Task AccessToken_ValidatesAndCarriesSupabaseCompatibleClaims()
    {
        UserId user = UserId.New();
        AccessToken t = Service(DateTimeOffset.UtcNow).CreateAccessToken(user, "a@example.org", [Role.Researcher, Role.Viewer]);
        TokenValidationResult r = await ValidateAsync(t.Token);
        Assert.True(r.IsValid, r.Exception?.Message);
        Assert.Equal(user.ToString(), r.Claims[JwtRegisteredClaimNames.Sub]);
        Assert.Equal("a@example.org", r.Claims[JwtRegisteredClaimNames.Email]);
        Assert.Equal("authenticated", r.Claims["role"]);
        Assert.True(TokenService.TryGetUserId(new System.Security.Claims.ClaimsPrincipal(r.ClaimsIdentity), out UserId parsed));
        Assert.Equal(user, parsed);
        Assert.Equal(["researcher", "viewer"], r.ClaimsIdentity.FindAll(TokenService.AppRolesClaim).Select(c => c.Value).Order());
    }

    [Fact]
    public async Task ExpiredToken_IsRejected()
    {
        AccessToken t = Service(DateTimeOffset.UtcNow.AddHours(-2)).CreateAccessToken(UserId.New(), "a@example.org", []);
        TokenValidationResult r = await ValidateAsync(t.Token);
        Assert.False(r.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(r.Exception);
    }

    [Fact]
    public async Task WrongSignature_IsRejected()
    {
        AccessToken t = Service(DateTimeOffset.UtcNow).CreateAccessToken(UserId.New(), "a@example.org", []);
        var other = new AuthOptions { SigningKey = Convert.ToBase64String(new byte[32]) };
        Assert.False((await ValidateAsync(t.Token, other)).IsValid);
    }

    [Fact]
    public async Task AlgNone_IsRejected()
    {
        static string B64(string s) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(s));
        long exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        string token = $"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64($$"""{"sub":"{{UserId.New()}}","iss":"quantumlm","aud":"quantumlm","exp":{{exp}}}""")}.";
        Assert.False((await ValidateAsync(token)).IsValid);
    }

    [Fact]
    public async Task TamperedPayload_IsRejected()
    {
        AccessToken t = Service(DateTimeOffset.UtcNow).CreateAccessToken(UserId.New(), "a@example.org", []);
        string[] parts = t.Token.Split('.');
        string payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("authenticated", "service_role", StringComparison.Ordinal);
        string forged = $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        Assert.False((await ValidateAsync(forged)).IsValid);
    }

    [Fact]
    public void RefreshTokens_AreRandomAndStoredOnlyAsSha256()
    {
        var (a, hashA) = TokenService.CreateRefreshToken();
        var (b, _) = TokenService.CreateRefreshToken();
        Assert.NotEqual(a, b);
        Assert.Equal(43, a.Length);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(a)), hashA);
        Assert.Equal(hashA, TokenService.HashRefreshToken(a));
    }

    [Theory]
    [InlineData(null, "longenough", "email")]
    [InlineData("not-an-email", "longenough", "email")]
    [InlineData("a@example.org", "short", "password")]
    [InlineData("a@example.org", null, "password")]
    public void PasswordPolicy_NamesTheField(string? email, string? password, string field) =>
        Assert.Contains(field, PasswordPolicy.Validate(email, password).Keys);

    [Fact]
    public void PasswordPolicy_AcceptsGoodInput() => Assert.Empty(PasswordPolicy.Validate("a@example.org", "correct horse"));

    [Theory]
    [InlineData(null, false, "needs a SigningKey")]
    [InlineData("c2hvcnQ=", false, "at least 32 bytes")]
    [InlineData("###", false, "not valid base64")]
    public void AuthOptionsRules_ExplainTheProblem(string? key, bool ok, string expected)
    {
        var result = new AuthOptionsRules().Validate(null, new AuthOptions { SigningKey = key });
        Assert.Equal(ok, result.Succeeded);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
