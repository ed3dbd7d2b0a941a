using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Security;
using static QuantumLM.Persistence.Postgres.Sql;

namespace QuantumLM.Persistence.Postgres;

/// <summary>A user's public profile with follow counts, roles and reputation.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Email">The e-mail address (only when the caller may see the user row: the user, an admin or a service).</param>
/// <param name="DisplayName">The display name.</param>
/// <param name="Bio">The biography.</param>
/// <param name="AvatarUrl">The avatar URL.</param>
/// <param name="FollowerCount">Followers.</param>
/// <param name="FollowingCount">Users followed.</param>
/// <param name="Reputation">10 per completed quantum job + 5 per follower.</param>
/// <param name="Roles">The roles (only for the user themself, admins and services).</param>
public sealed record ProfileRecord(UserId UserId, string? Email, string? DisplayName, string? Bio, string? AvatarUrl, int FollowerCount, int FollowingCount, int Reputation, IReadOnlyList<Role> Roles);

/// <summary>What a login needs: the id and the password hash (read by a service identity only).</summary>
/// <param name="UserId">The user.</param>
/// <param name="Email">The e-mail address.</param>
/// <param name="PasswordHash">The password hash, or <see langword="null"/> for externally authenticated users.</param>
public sealed record UserCredentials(UserId UserId, string Email, string? PasswordHash);

/// <summary>Changes to a profile; <see langword="null"/> leaves a field unchanged.</summary>
/// <param name="DisplayName">The display name (1–100 characters).</param>
/// <param name="Bio">The biography (at most 2000 characters).</param>
/// <param name="AvatarUrl">An http(s) URL.</param>
public sealed record ProfileUpdate(string? DisplayName = null, string? Bio = null, string? AvatarUrl = null);

/// <summary>Users, profiles, follows and refresh tokens.</summary>
public interface IUserStore
{
    /// <summary>Creates a user with a password hash (sign-up; runs as the package's auth service identity).</summary>
    /// <param name="email">The e-mail address (unique, case-insensitive).</param>
    /// <param name="passwordHash">The password hash (never the password).</param>
    /// <param name="displayName">An optional display name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new user's id.</returns>
    /// <exception cref="QuantumLmException">The e-mail address is taken (<see cref="QuantumLmErrorCodes.Conflict"/>) or invalid.</exception>
    Task<UserId> CreateUserAsync(string email, string passwordHash, string? displayName = null, CancellationToken cancellationToken = default);

    /// <summary>Mirrors a user of an external identity provider (its <c>sub</c>), so foreign keys hold; idempotent.</summary>
    /// <param name="userId">The external subject id.</param>
    /// <param name="email">The e-mail address.</param>
    /// <param name="issuer">The token issuer.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the user exists.</returns>
    Task EnsureExternalUserAsync(UserId userId, string email, string issuer, CancellationToken cancellationToken = default);

    /// <summary>Reads the credentials for a login (service identity; case-insensitive e-mail).</summary>
    /// <param name="email">The e-mail address.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The credentials, or <see langword="null"/>.</returns>
    Task<UserCredentials?> GetCredentialsAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>Reads a profile as <paramref name="identity"/> sees it.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The profile, or <see langword="null"/>.</returns>
    Task<ProfileRecord?> GetProfileAsync(DbIdentity identity, UserId userId, CancellationToken cancellationToken = default);

    /// <summary>Updates the caller's own profile (or any, for an admin).</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="userId">The user.</param>
    /// <param name="update">The changes.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The updated profile, or <see langword="null"/> when not visible or not allowed.</returns>
    Task<ProfileRecord?> UpdateProfileAsync(DbIdentity identity, UserId userId, ProfileUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Follows a user as the caller.</summary>
    /// <param name="identity">The caller (a user).</param>
    /// <param name="userId">The user to follow.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when already following.</returns>
    Task<bool> FollowAsync(DbIdentity identity, UserId userId, CancellationToken cancellationToken = default);

    /// <summary>Stops following a user.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when not following.</returns>
    Task<bool> UnfollowAsync(DbIdentity identity, UserId userId, CancellationToken cancellationToken = default);

    /// <summary>Lists a user's followers (newest first) or the users they follow.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="userId">The user.</param>
    /// <param name="followers"><see langword="true"/> for followers, <see langword="false"/> for followed users.</param>
    /// <param name="limit">At most this many (1–1000).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The user ids.</returns>
    Task<IReadOnlyList<UserId>> GetFollowGraphAsync(DbIdentity identity, UserId userId, bool followers, int limit, CancellationToken cancellationToken = default);

    /// <summary>Stores a refresh token's hash (service identity).</summary>
    /// <param name="tokenHash">The SHA-256 hex of the token.</param>
    /// <param name="userId">The user.</param>
    /// <param name="expiresAt">The expiry.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task.</returns>
    Task StoreRefreshTokenAsync(string tokenHash, UserId userId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Atomically redeems a valid refresh token and stores its replacement (rotation); a reused or expired token is refused.</summary>
    /// <param name="tokenHash">The presented token's hash.</param>
    /// <param name="newTokenHash">The replacement's hash.</param>
    /// <param name="newExpiresAt">The replacement's expiry.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The user, or <see langword="null"/> when the token was unknown, expired or already used.</returns>
    Task<UserId?> RotateRefreshTokenAsync(string tokenHash, string newTokenHash, DateTimeOffset newExpiresAt, CancellationToken cancellationToken = default);
}

internal sealed class PostgresUserStore : IUserStore
{
    private readonly IDbSessionFactory _sessions;
    private readonly DbIdentity _auth;

    public PostgresUserStore(IDbSessionFactory sessions, IOptions<QuantumLmPostgresOptions> options)
    {
        _sessions = sessions;
        _auth = DbIdentity.ForService(options.Value.ServiceName + ":auth");
    }

    public Task<UserId> CreateUserAsync(string email, string passwordHash, string? displayName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        ArgumentException.ThrowIfNullOrWhiteSpace(passwordHash);
        var id = UserId.New();
        return InTransactionAsync(_sessions, _auth, false, async (s, ct) =>
        {
            await ExecAsync(s, "INSERT INTO users (user_id, email, password_hash) VALUES ($1, $2, $3)", ct, P(id.Value), P(email.Trim()), P(passwordHash)).ConfigureAwait(false);
            if (displayName is not null)
            {
                await ExecAsync(s, "UPDATE profiles SET display_name = $2 WHERE user_id = $1", ct, P(id.Value), P(displayName)).ConfigureAwait(false);
            }

            return id;
        }, cancellationToken);
    }

    public Task EnsureExternalUserAsync(UserId userId, string email, string issuer, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        return InTransactionAsync(_sessions, _auth, false, (s, ct) => ExecAsync(s,
            "INSERT INTO users (user_id, email, external_issuer, is_verified) VALUES ($1, $2, $3, true) ON CONFLICT (user_id) DO NOTHING",
            ct, P(userId.Value), P(email.Trim()), P(issuer)), cancellationToken);
    }

    public Task<UserCredentials?> GetCredentialsAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        return InTransactionAsync(_sessions, _auth, true, async (s, ct) => (await QueryAsync(s,
            "SELECT user_id, email, password_hash FROM users WHERE lower(email) = lower($1) AND deleted_at IS NULL",
            r => new UserCredentials(new UserId(r.GetGuid(0)), r.GetString(1), Str(r, 2)), ct, P(email.Trim())).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);
    }

    private const string ProfileSql = """
        SELECT p.user_id, u.email, p.display_name, p.bio, p.avatar_url, p.follower_count, p.following_count, calculate_reputation(p.user_id),
               coalesce((SELECT array_agg(ur.role_id ORDER BY ur.role_id) FROM user_roles ur WHERE ur.user_id = p.user_id), '{}')
          FROM profiles p LEFT JOIN users u ON u.user_id = p.user_id
         WHERE p.user_id = $1
        """;

    // Anonymous callers read only the public profile columns (no user row, roles or reputation function).
    private const string AnonymousProfileSql = """
        SELECT p.user_id, NULL::text, p.display_name, p.bio, p.avatar_url, p.follower_count, p.following_count, 0, '{}'::smallint[]
          FROM profiles p WHERE p.user_id = $1
        """;

    private static ProfileRecord MapProfile(Npgsql.NpgsqlDataReader r) => new(
        new UserId(r.GetGuid(0)), Str(r, 1), Str(r, 2), Str(r, 3), Str(r, 4), r.GetInt32(5), r.GetInt32(6), r.GetInt32(7),
        [.. r.GetFieldValue<short[]>(8).Select(x => (Role)x)]);

    public Task<ProfileRecord?> GetProfileAsync(DbIdentity identity, UserId userId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(_sessions, identity, true, async (s, ct) =>
            (await QueryAsync(s, identity.Kind == DbIdentityKind.Anonymous ? AnonymousProfileSql : ProfileSql,
                MapProfile, ct, P(userId.Value)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    public Task<ProfileRecord?> UpdateProfileAsync(DbIdentity identity, UserId userId, ProfileUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return InTransactionAsync(_sessions, identity, false, async (s, ct) =>
        {
            int n = await ExecAsync(s, """
                UPDATE profiles SET display_name = coalesce($2, display_name), bio = coalesce($3, bio), avatar_url = coalesce($4, avatar_url)
                 WHERE user_id = $1
                """, ct, P(userId.Value), P(update.DisplayName), P(update.Bio), P(update.AvatarUrl)).ConfigureAwait(false);
            return n == 0 ? null : (await QueryAsync(s, ProfileSql, MapProfile, ct, P(userId.Value)).ConfigureAwait(false)).FirstOrDefault();
        }, cancellationToken);
    }

    public Task<bool> FollowAsync(DbIdentity identity, UserId userId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(_sessions, identity, false, async (s, ct) => await ExecAsync(s,
            "INSERT INTO follows (follower_id, following_id) VALUES (current_user_id(), $1) ON CONFLICT DO NOTHING", ct, P(userId.Value)).ConfigureAwait(false) == 1, cancellationToken);

    public Task<bool> UnfollowAsync(DbIdentity identity, UserId userId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(_sessions, identity, false, async (s, ct) => await ExecAsync(s,
            "DELETE FROM follows WHERE follower_id = current_user_id() AND following_id = $1", ct, P(userId.Value)).ConfigureAwait(false) == 1, cancellationToken);

    public Task<IReadOnlyList<UserId>> GetFollowGraphAsync(DbIdentity identity, UserId userId, bool followers, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        string sql = followers
            ? "SELECT follower_id FROM follows WHERE following_id = $1 ORDER BY created_at DESC, follower_id LIMIT $2"
            : "SELECT following_id FROM follows WHERE follower_id = $1 ORDER BY created_at DESC, following_id LIMIT $2";
        return InTransactionAsync(_sessions, identity, true, async (s, ct) =>
            (IReadOnlyList<UserId>)await QueryAsync(s, sql, r => new UserId(r.GetGuid(0)), ct, P(userId.Value), P(limit)).ConfigureAwait(false), cancellationToken);
    }

    public Task StoreRefreshTokenAsync(string tokenHash, UserId userId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        InTransactionAsync(_sessions, _auth, false, (s, ct) => ExecAsync(s,
            "INSERT INTO refresh_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, $3)", ct, P(tokenHash), P(userId.Value), P(expiresAt)), cancellationToken);

    public Task<UserId?> RotateRefreshTokenAsync(string tokenHash, string newTokenHash, DateTimeOffset newExpiresAt, CancellationToken cancellationToken = default) =>
        InTransactionAsync(_sessions, _auth, false, async (s, ct) =>
        {
            object? uid = await ScalarAsync(s, """
                UPDATE refresh_tokens SET revoked_at = clock_timestamp(), replaced_by = $2
                 WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > clock_timestamp()
                RETURNING user_id
                """, ct, P(tokenHash), P(newTokenHash)).ConfigureAwait(false);
            if (uid is not Guid g)
            {
                return (UserId?)null;
            }

            await ExecAsync(s, "INSERT INTO refresh_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, $3)", ct, P(newTokenHash), P(g), P(newExpiresAt)).ConfigureAwait(false);
            return new UserId(g);
        }, cancellationToken);
}
