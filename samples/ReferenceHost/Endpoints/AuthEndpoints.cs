using System.Security.Claims;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Security;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Auth;
using QuantumLM.ReferenceHost.Http;

namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>Sign-up, login, refresh-token rotation, logout and the caller's own profile (<c>/api/auth</c>).</summary>
internal static class AuthEndpoints
{
    private const string InvalidCredentials = "The e-mail address or the password is wrong.";
    private const string InvalidRefreshToken = "The refresh token is invalid, expired, revoked or already used.";

    public static void MapAuthEndpoints(this RouteGroupBuilder api)
    {
        RouteGroupBuilder auth = api.MapGroup("/auth").WithTags("auth");
        auth.MapPost("/signup", SignupAsync).AllowAnonymous()
            .WithSummary("Creates an account.").Produces<SignupResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        auth.MapPost("/login", LoginAsync).AllowAnonymous()
            .WithSummary("Exchanges e-mail and password for an access token and a refresh token.")
            .Produces<TokenResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPost("/refresh", RefreshAsync).AllowAnonymous()
            .WithSummary("Rotates a refresh token: the old one stops working; presenting it again revokes its successors.")
            .Produces<TokenResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPost("/logout", LogoutAsync).AllowAnonymous()
            .WithSummary("Revokes a refresh token (always 204, whether or not it was active).")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem();
        auth.MapGet("/profile", GetProfileAsync).RequireAuthorization()
            .WithSummary("The caller's profile.").Produces<ProfileResponse>().ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPut("/profile", UpdateProfileAsync).RequireAuthorization()
            .WithSummary("Updates the caller's profile; fields left out are unchanged.")
            .Produces<ProfileResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized);
    }

    private static async Task<IResult> SignupAsync(SignupRequest body, IUserStore users, PasswordHashing hashing, ILogger<SignupRequest> logger, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.AddRange(PasswordPolicy.Validate(body.Email, body.Password));
        string? displayName = body.DisplayName?.Trim();
        errors.Length("display_name", displayName, 1, 100);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        string email = body.Email!;
        try
        {
            UserId id = await users.CreateUserAsync(email, hashing.Hash(body.Password!), displayName, ct);
            logger.UserSignedUp(id);
            return TypedResults.Created($"/api/users/{id}", new SignupResponse(id.Value, email));
        }
        catch (QuantumLmException ex) when (ex.ErrorCode == QuantumLmErrorCodes.Conflict)
        {
            return Problems.Conflict("is already registered", "email");
        }
    }

    private static async Task<IResult> LoginAsync(
        LoginRequest body, IUserStore users, IAccountStore accounts, PasswordHashing hashing, IdentityCache identities, TokenService tokens,
        IOptions<AuthOptions> options, TimeProvider time, ILogger<LoginRequest> logger, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Required("email", body.Email);
        errors.Required("password", body.Password);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        bool plausible = body.Email!.Length <= PasswordPolicy.MaxEmailLength && body.Password!.Length <= PasswordPolicy.MaxLength;
        UserCredentials? credentials = plausible ? await users.GetCredentialsAsync(body.Email, ct) : null;
        if (!hashing.Verify(credentials?.PasswordHash, body.Password!) || credentials is null)
        {
            logger.LoginFailed(credentials is null ? "unknown account" : "wrong password");
            return Problems.Unauthorized(InvalidCredentials);
        }

        await accounts.RecordLoginAsync(credentials.UserId, ct);
        logger.UserLoggedIn(credentials.UserId);
        return TypedResults.Ok(await IssueAsync(credentials.UserId, credentials.Email, users, identities, tokens, options.Value, time, ct));
    }

    private static async Task<IResult> RefreshAsync(
        RefreshRequest body, IUserStore users, IAccountStore accounts, IdentityCache identities, TokenService tokens,
        IOptions<AuthOptions> options, TimeProvider time, ILogger<RefreshRequest> logger, CancellationToken ct)
    {
        if (Validate(body) is { } invalid)
        {
            return invalid;
        }

        string presented = Hex(body.RefreshToken!);
        (string next, byte[] nextHash) = TokenService.CreateRefreshToken();
        UserId? user = await users.RotateRefreshTokenAsync(presented, Convert.ToHexStringLower(nextHash), time.GetUtcNow() + options.Value.RefreshTokenLifetime, ct);
        if (user is not { } u)
        {
            int revoked = await accounts.RevokeRefreshTokenFamilyAsync(presented, ct);
            if (revoked > 0)
            {
                logger.RefreshTokenReused(revoked);
            }

            return Problems.Unauthorized(InvalidRefreshToken);
        }

        AccountRecord? account = await accounts.GetAccountAsync(u, ct);
        if (account is null)
        {
            await accounts.RevokeRefreshTokenAsync(Convert.ToHexStringLower(nextHash), ct);
            return Problems.Unauthorized(InvalidRefreshToken);
        }

        AccessToken access = tokens.CreateAccessToken(u, account.Email, await identities.GetRolesAsync(u, ct));
        return TypedResults.Ok(Response(access, next, time));
    }

    private static async Task<IResult> LogoutAsync(RefreshRequest body, IAccountStore accounts, ILogger<RefreshRequest> logger, CancellationToken ct)
    {
        if (Validate(body) is { } invalid)
        {
            return invalid;
        }

        if (await accounts.RevokeRefreshTokenAsync(Hex(body.RefreshToken!), ct) is { } user)
        {
            logger.UserLoggedOut(user);
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> GetProfileAsync(ClaimsPrincipal caller, IdentityCache identities, CancellationToken ct) =>
        await identities.GetOwnProfileAsync(caller.GetUserId(), ct) is { } profile
            ? TypedResults.Ok(ProfileResponse.From(profile))
            : Problems.NotFound("The caller has no profile.");

    private static async Task<IResult> UpdateProfileAsync(ProfileUpdateRequest body, ClaimsPrincipal caller, IUserStore users, IdentityCache identities, CancellationToken ct)
    {
        var errors = new FieldErrors();
        string? displayName = body.DisplayName?.Trim();
        errors.Length("display_name", displayName, 1, 100);
        errors.Length("bio", body.Bio, 0, 2000);
        errors.HttpUrl("avatar_url", body.AvatarUrl);
        if (body.DisplayName is null && body.Bio is null && body.AvatarUrl is null)
        {
            errors.Add("body", "give at least one of display_name, bio, avatar_url");
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        UserId me = caller.GetUserId();
        ProfileRecord? updated = await users.UpdateProfileAsync(caller.GetDbIdentity(), me, new ProfileUpdate(displayName, body.Bio, body.AvatarUrl), ct);
        await identities.InvalidateAsync(me, ct);
        return updated is null ? Problems.NotFound("The caller has no profile.") : TypedResults.Ok(ProfileResponse.From(updated));
    }

    private static IResult? Validate(RefreshRequest body)
    {
        var errors = new FieldErrors();
        if (errors.Required("refresh_token", body.RefreshToken))
        {
            errors.Length("refresh_token", body.RefreshToken, 1, 200);
        }

        return errors.HasErrors ? errors.ToProblem() : null;
    }

    private static string Hex(string refreshToken) => Convert.ToHexStringLower(TokenService.HashRefreshToken(refreshToken));

    private static async Task<TokenResponse> IssueAsync(
        UserId user, string email, IUserStore users, IdentityCache identities, TokenService tokens, AuthOptions options, TimeProvider time, CancellationToken ct)
    {
        IReadOnlyList<Role> roles = await identities.GetRolesAsync(user, ct);
        AccessToken access = tokens.CreateAccessToken(user, email, roles);
        (string refresh, byte[] hash) = TokenService.CreateRefreshToken();
        await users.StoreRefreshTokenAsync(Convert.ToHexStringLower(hash), user, time.GetUtcNow() + options.RefreshTokenLifetime, ct);
        return Response(access, refresh, time);
    }

    private static TokenResponse Response(AccessToken access, string refresh, TimeProvider time) =>
        new(access.Token, refresh, "Bearer", (int)Math.Max(0, Math.Round((access.ExpiresAt - time.GetUtcNow()).TotalSeconds)));
}
