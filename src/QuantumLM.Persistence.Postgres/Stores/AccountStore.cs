using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using static QuantumLM.Persistence.Postgres.Sql;

namespace QuantumLM.Persistence.Postgres;

/// <summary>An active (not deleted) account.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Email">The e-mail address.</param>
/// <param name="ExternalIssuer">The issuer of an externally authenticated user, or <see langword="null"/> for a built-in account.</param>
/// <param name="LastLogin">The last successful built-in login.</param>
public sealed record AccountRecord(UserId UserId, string Email, string? ExternalIssuer, DateTimeOffset? LastLogin);

/// <summary>
/// Account life cycle for an authentication service: existence checks, login bookkeeping, refresh-token revocation
/// (logout and reuse detection) and deletion. Runs as the package's auth service identity except where an identity is passed.
/// An account whose <c>deleted_at</c> is set counts as deleted, like one that is gone.
/// </summary>
public interface IAccountStore
{
    /// <summary>Reads an account that exists and is not deleted.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The account, or <see langword="null"/> when unknown or deleted.</returns>
    Task<AccountRecord?> GetAccountAsync(UserId userId, CancellationToken cancellationToken = default);

    /// <summary>Records a successful login (<c>users.last_login</c>).</summary>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task.</returns>
    Task RecordLoginAsync(UserId userId, CancellationToken cancellationToken = default);

    /// <summary>Revokes one refresh token (logout).</summary>
    /// <param name="tokenHash">The SHA-256 hex of the token.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The token's user when it was active and is now revoked; otherwise <see langword="null"/>.</returns>
    Task<UserId?> RevokeRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reuse detection: when <paramref name="tokenHash"/> names a token that was already rotated (it has a successor),
    /// revokes every token descended from it, so a stolen token and the legitimate chain both stop working.
    /// </summary>
    /// <param name="tokenHash">The SHA-256 hex of the presented token.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The number of tokens revoked now (0 when the token is unknown, was never rotated, or its family was already revoked).</returns>
    Task<int> RevokeRefreshTokenFamilyAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Deletes an account with everything it owns (profile, follows, refresh tokens, sessions, jobs…: the foreign keys cascade).</summary>
    /// <param name="identity">Who deletes it (row-level security allows admins and services; for anyone else nothing is deleted).</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when the account was unknown or not deletable by <paramref name="identity"/>.</returns>
    Task<bool> DeleteUserAsync(DbIdentity identity, UserId userId, CancellationToken cancellationToken = default);
}

internal sealed class PostgresAccountStore : IAccountStore
{
    private readonly IDbSessionFactory _sessions;
    private readonly DbIdentity _auth;

    public PostgresAccountStore(IDbSessionFactory sessions, IOptions<QuantumLmPostgresOptions> options)
    {
        _sessions = sessions;
        _auth = DbIdentity.ForService(options.Value.ServiceName + ":auth");
    }

    public Task<AccountRecord?> GetAccountAsync(UserId userId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(_sessions, _auth, true, async (s, ct) => (await QueryAsync(s,
            "SELECT user_id, email, external_issuer, last_login FROM users WHERE user_id = $1 AND deleted_at IS NULL",
            r => new AccountRecord(new UserId(r.GetGuid(0)), r.GetString(1), Str(r, 2), Time(r, 3)), ct, P(userId.Value)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    public Task RecordLoginAsync(UserId userId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(_sessions, _auth, false, (s, ct) => ExecAsync(s,
            "UPDATE users SET last_login = clock_timestamp() WHERE user_id = $1", ct, P(userId.Value)), cancellationToken);

    public Task<UserId?> RevokeRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenHash);
        return InTransactionAsync(_sessions, _auth, false, async (s, ct) =>
            await ScalarAsync(s, "UPDATE refresh_tokens SET revoked_at = clock_timestamp() WHERE token_hash = $1 AND revoked_at IS NULL RETURNING user_id",
                ct, P(tokenHash)).ConfigureAwait(false) is Guid g ? new UserId(g) : (UserId?)null, cancellationToken);
    }

    public Task<int> RevokeRefreshTokenFamilyAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenHash);
        return InTransactionAsync(_sessions, _auth, false, (s, ct) => ExecAsync(s, """
            WITH RECURSIVE family AS (
                SELECT token_hash, replaced_by FROM refresh_tokens WHERE token_hash = $1 AND replaced_by IS NOT NULL
                UNION
                SELECT r.token_hash, r.replaced_by FROM refresh_tokens r JOIN family f ON r.token_hash = f.replaced_by)
            UPDATE refresh_tokens SET revoked_at = clock_timestamp()
             WHERE token_hash IN (SELECT token_hash FROM family) AND revoked_at IS NULL
            """, ct, P(tokenHash)), cancellationToken);
    }

    public Task<bool> DeleteUserAsync(DbIdentity identity, UserId userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return InTransactionAsync(_sessions, identity, false, async (s, ct) =>
            await ExecAsync(s, "DELETE FROM users WHERE user_id = $1", ct, P(userId.Value)).ConfigureAwait(false) == 1, cancellationToken);
    }
}
