using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using QuantumLM.Abstractions;
using QuantumLM.Persistence.Postgres;

namespace QuantumLM.ReferenceHost.Auth;

/// <summary>
/// The authentication schemes: a policy scheme (the default) that forwards a bearer token to the built-in scheme, or
/// to the external one when its <c>iss</c> is the configured external issuer. Both check, after the signature, that
/// the user still exists (cached briefly); the external scheme provisions its users on first sight.
/// </summary>
internal static class AuthSchemes
{
    public const string Default = "QuantumLM";
    public const string BuiltIn = JwtBearerDefaults.AuthenticationScheme;
    public const string External = "External";

    public static void AddQuantumLmAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(Default)
            .AddPolicyScheme(Default, "Bearer token (built-in or external issuer)", static o => o.ForwardDefaultSelector = SelectScheme)
            .AddJwtBearer(BuiltIn)
            .AddJwtBearer(External);
        services.AddOptions<JwtBearerOptions>(BuiltIn).Configure<IOptions<AuthOptions>>(static (jwt, auth) =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = TokenService.BuiltInValidation(auth.Value);
            jwt.Events = new JwtBearerEvents { OnTokenValidated = static c => CheckUserAsync(c, external: null) };
        });
        services.AddOptions<JwtBearerOptions>(External).Configure<IOptions<AuthOptions>>(static (jwt, auth) =>
        {
            jwt.MapInboundClaims = false;
            if (auth.Value.External is not { } ext)
            {
                // Never selected without an external issuer; refuse everything if it were.
                jwt.TokenValidationParameters = new TokenValidationParameters { ValidIssuer = "\0none", IssuerSigningKey = new SymmetricSecurityKey(new byte[32]) };
                return;
            }

            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = ext.Issuer,
                ValidAudience = ext.Audience,
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ValidateIssuerSigningKey = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = JwtRegisteredClaimNames.Sub,
                RoleClaimType = TokenService.AppRolesClaim,
            };
            if (ext.SigningKey is not null)
            {
                jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(ext.SigningKey));
                jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512];
            }
            else
            {
                Uri jwks = ext.JwksUrl!;
                jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha384];
                jwt.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                    jwks.ToString(), new JwksRetriever(), new HttpDocumentRetriever { RequireHttps = !jwks.IsLoopback });
            }

            jwt.Events = new JwtBearerEvents { OnTokenValidated = c => CheckUserAsync(c, external: ext.Issuer) };
        });
    }

    private static string SelectScheme(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return BuiltIn;
        }

        ExternalIssuerOptions? ext = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.External;
        if (ext is null)
        {
            return BuiltIn;
        }

        string token = header["Bearer ".Length..].Trim();
        try
        {
            return string.Equals(new JsonWebToken(token).Issuer, ext.Issuer, StringComparison.Ordinal) ? External : BuiltIn;
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException)
        {
            return BuiltIn; // not a JWT: the built-in scheme refuses it
        }
    }

    private static async Task CheckUserAsync(TokenValidatedContext context, string? external)
    {
        ILogger logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthSchemes));
        ClaimsPrincipal? principal = context.Principal;
        if (principal is null || !TokenService.TryGetUserId(principal, out UserId user) || user.Value == Guid.Empty)
        {
            Refuse(context, logger, "the token has no user id (sub)");
            return;
        }

        if (external is not null && !string.Equals(principal.FindFirstValue(TokenService.PostgresRoleClaim), TokenService.AuthenticatedRole, StringComparison.Ordinal))
        {
            Refuse(context, logger, "the external token is not for an authenticated user (role claim)");
            return;
        }

        IdentityCache cache = context.HttpContext.RequestServices.GetRequiredService<IdentityCache>();
        CancellationToken ct = context.HttpContext.RequestAborted;
        CachedAccount account = await cache.GetAccountAsync(user, ct);
        if (!account.Exists && external is not null)
        {
            string? email = principal.FindFirstValue(JwtRegisteredClaimNames.Email);
            if (string.IsNullOrWhiteSpace(email))
            {
                Refuse(context, logger, "the external token has no email claim to provision the user with");
                return;
            }

            try
            {
                await context.HttpContext.RequestServices.GetRequiredService<IUserStore>().EnsureExternalUserAsync(user, email, external, ct);
            }
            catch (QuantumLmException)
            {
                Refuse(context, logger, "the external user could not be provisioned (e-mail address taken or invalid)");
                return;
            }

            await cache.InvalidateAsync(user, ct);
            account = await cache.GetAccountAsync(user, ct);
            if (account.Exists)
            {
                logger.ExternalUserProvisioned(user, external);
            }
        }

        if (!account.Exists)
        {
            Refuse(context, logger, "the user does not exist or was deleted");
        }
        else if (!string.Equals(account.ExternalIssuer, external, StringComparison.Ordinal))
        {
            // A built-in token for an external account, or an external token for another issuer's (or a built-in) account.
            Refuse(context, logger, "the token's issuer does not own this account");
        }
    }

    private static void Refuse(TokenValidatedContext context, ILogger logger, string reason)
    {
        logger.TokenRefused(reason);
        context.Fail(reason);
    }

    /// <summary>Reads a bare JWKS document (not OpenID discovery) into a configuration holding its signing keys.</summary>
    private sealed class JwksRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            string json = await retriever.GetDocumentAsync(address, cancel);
            var config = new OpenIdConnectConfiguration();
            foreach (SecurityKey key in new JsonWebKeySet(json).GetSigningKeys())
            {
                config.SigningKeys.Add(key);
            }

            return config;
        }
    }
}
