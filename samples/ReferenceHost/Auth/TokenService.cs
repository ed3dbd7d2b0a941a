using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Security;

namespace QuantumLM.ReferenceHost.Auth;

/// <summary>An issued access token.</summary>
internal sealed record AccessToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Issues the built-in access tokens (HS256 JWTs with Supabase-compatible claims: <c>sub</c>, <c>email</c>,
/// <c>role</c> = <c>authenticated</c>, plus the platform roles in <c>app_roles</c>) and opaque refresh tokens, which are
/// stored only as their SHA-256 hash.
/// </summary>
internal sealed class TokenService(IOptions<AuthOptions> options, TimeProvider time)
{
    public const string AppRolesClaim = "app_roles";
    public const string PostgresRoleClaim = "role";
    public const string AuthenticatedRole = "authenticated";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public AccessToken CreateAccessToken(UserId user, string email, IEnumerable<Role> roles)
    {
        AuthOptions o = options.Value;
        DateTimeOffset now = time.GetUtcNow();
        DateTimeOffset expires = now + o.AccessTokenLifetime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = o.Issuer,
            Audience = o.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(o.GetSigningKeyBytes()), SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = user.ToString(),
                [JwtRegisteredClaimNames.Email] = email,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
                [PostgresRoleClaim] = AuthenticatedRole,
                [AppRolesClaim] = roles.Select(static r => r.ToString().ToLowerInvariant()).ToArray(),
            },
        };
        return new AccessToken(_handler.CreateToken(descriptor), expires);
    }

    /// <summary>Creates a new opaque refresh token (256 random bits, base64url) and the hash to store.</summary>
    public static (string Token, byte[] Hash) CreateRefreshToken()
    {
        string token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (token, HashRefreshToken(token));
    }

    public static byte[] HashRefreshToken(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));

    /// <summary>The validation parameters of built-in tokens: signature, issuer, audience and lifetime all required; HS256 only.</summary>
    public static TokenValidationParameters BuiltInValidation(AuthOptions o) => new()
    {
        ValidIssuer = o.Issuer,
        ValidAudience = o.Audience,
        IssuerSigningKey = new SymmetricSecurityKey(o.GetSigningKeyBytes()),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateIssuerSigningKey = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = JwtRegisteredClaimNames.Sub,
        RoleClaimType = AppRolesClaim,
    };

    /// <summary>Reads the user id from a validated principal.</summary>
    public static bool TryGetUserId(ClaimsPrincipal principal, out UserId user)
    {
        string? sub = principal.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
        return UserId.TryParse(sub, null, out user);
    }
}
