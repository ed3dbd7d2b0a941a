using System.Text.Json;
using QuantumLM.Abstractions;
using static QuantumLM.Persistence.Postgres.Sql;

namespace QuantumLM.Persistence.Postgres;

/// <summary>An arena session.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="UserId">The owner.</param>
/// <param name="Name">The name.</param>
/// <param name="Status"><c>active</c>, <c>paused</c> or <c>completed</c>.</param>
/// <param name="TotalMutations">Organisms recorded in the session.</param>
/// <param name="TotalCommits">Commits recorded in the session.</param>
/// <param name="TotalJobs">Quantum jobs recorded in the session.</param>
/// <param name="Progress">The progress object.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it completed.</param>
/// <param name="LastActivity">The last recorded activity.</param>
public sealed record ArenaSessionRecord(SessionId SessionId, UserId UserId, string Name, string Status, int TotalMutations, int TotalCommits, int TotalJobs, JsonElement Progress, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, DateTimeOffset LastActivity);

/// <summary>Arena sessions (row-level security: owners, admins, <c>arena:view</c> readers and services).</summary>
public interface IArenaSessionStore
{
    /// <summary>Creates a session owned by the calling user.</summary>
    /// <param name="identity">The caller (a user).</param>
    /// <param name="name">1–100 characters.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The session.</returns>
    Task<ArenaSessionRecord> CreateAsync(DbIdentity identity, string name, CancellationToken cancellationToken = default);

    /// <summary>Reads a session, or <see langword="null"/> when missing or not visible.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The session.</returns>
    Task<ArenaSessionRecord?> GetAsync(DbIdentity identity, SessionId sessionId, CancellationToken cancellationToken = default);

    /// <summary>Lists the caller's own sessions, newest first.</summary>
    /// <param name="identity">The caller (a user).</param>
    /// <param name="limit">1–1000.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The sessions.</returns>
    Task<IReadOnlyList<ArenaSessionRecord>> ListOwnAsync(DbIdentity identity, int limit, CancellationToken cancellationToken = default);

    /// <summary>Changes a session's status (<c>completed</c> also sets the end time).</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="sessionId">The session.</param>
    /// <param name="status"><c>active</c>, <c>paused</c> or <c>completed</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The updated session, or <see langword="null"/> when not visible or not allowed.</returns>
    Task<ArenaSessionRecord?> UpdateStatusAsync(DbIdentity identity, SessionId sessionId, string status, CancellationToken cancellationToken = default);

    /// <summary>Deletes a session with its events and commits.</summary>
    /// <param name="identity">The caller (owner or admin).</param>
    /// <param name="sessionId">The session.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when missing or not allowed.</returns>
    Task<bool> DeleteAsync(DbIdentity identity, SessionId sessionId, CancellationToken cancellationToken = default);
}

/// <summary>Quantum job records (row-level security: owners, <c>jobs:manage</c>, admins, services; creating needs <c>experiments:create</c>).</summary>
public interface IQuantumJobStore
{
    /// <summary>Records a job.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored job.</returns>
    Task<QuantumJobRecord> CreateAsync(DbIdentity identity, NewQuantumJob job, CancellationToken cancellationToken = default);

    /// <summary>Reads a job, or <see langword="null"/> when missing or not visible.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job.</returns>
    Task<QuantumJobRecord?> GetAsync(DbIdentity identity, JobId jobId, CancellationToken cancellationToken = default);

    /// <summary>Lists the jobs visible to the caller (their own for a plain user), newest first.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="limit">1–1000.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The jobs.</returns>
    Task<IReadOnlyList<QuantumJobRecord>> ListAsync(DbIdentity identity, int limit, CancellationToken cancellationToken = default);

    /// <summary>Finishes a job with its outcome (services, admins, <c>jobs:manage</c>).</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="status"><c>completed</c>, <c>failed</c> or <c>cancelled</c>.</param>
    /// <param name="counts">The counts (required for <c>completed</c>).</param>
    /// <param name="metrics">The metrics.</param>
    /// <param name="errorMessage">The error (required for <c>failed</c>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The updated job, or <see langword="null"/> when not visible, not allowed or already finished.</returns>
    Task<QuantumJobRecord?> FinishAsync(DbIdentity identity, JobId jobId, string status, JsonElement? counts, JsonElement? metrics, string? errorMessage, CancellationToken cancellationToken = default);
}

/// <summary>Commits with reproducible content hashes.</summary>
public interface ICommitStore
{
    /// <summary>Records a commit (idempotent: the same content returns the existing record).</summary>
    /// <param name="identity">The caller (the session owner or a service).</param>
    /// <param name="commit">The commit.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored commit.</returns>
    Task<CommitRecord> CreateAsync(DbIdentity identity, NewCommit commit, CancellationToken cancellationToken = default);

    /// <summary>Lists a session's commits, newest first.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="sessionId">The session.</param>
    /// <param name="limit">1–1000.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The commits.</returns>
    Task<IReadOnlyList<CommitRecord>> ListAsync(DbIdentity identity, SessionId sessionId, int limit, CancellationToken cancellationToken = default);
}

internal sealed class PostgresArenaStores(IDbSessionFactory sessions) : IArenaSessionStore, IQuantumJobStore, ICommitStore
{
    private const string SessionColumns = "session_id, user_id, session_name, status, total_mutations, total_commits, total_jobs, progress, started_at, ended_at, last_activity";

    private static ArenaSessionRecord MapSession(Npgsql.NpgsqlDataReader r) => new(
        new SessionId(r.GetGuid(0)), new UserId(r.GetGuid(1)), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6),
        ReadJson(r, 7)!.Value, r.GetFieldValue<DateTimeOffset>(8), Time(r, 9), r.GetFieldValue<DateTimeOffset>(10));

    private static void Limit(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
    }

    public Task<ArenaSessionRecord> CreateAsync(DbIdentity identity, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (identity.Kind != DbIdentityKind.User)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.Forbidden, "an arena session belongs to a user: create it under a user identity");
        }

        return InTransactionAsync(sessions, identity, false, async (s, ct) => (await QueryAsync(s,
            $"INSERT INTO arena_sessions (session_id, user_id, session_name) VALUES ($1, current_user_id(), $2) RETURNING {SessionColumns}",
            MapSession, ct, P(SessionId.New().Value), P(name)).ConfigureAwait(false))[0], cancellationToken);
    }

    public Task<ArenaSessionRecord?> GetAsync(DbIdentity identity, SessionId sessionId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(sessions, identity, true, async (s, ct) => (await QueryAsync(s,
            $"SELECT {SessionColumns} FROM arena_sessions WHERE session_id = $1", MapSession, ct, P(sessionId.Value)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    public Task<IReadOnlyList<ArenaSessionRecord>> ListOwnAsync(DbIdentity identity, int limit, CancellationToken cancellationToken = default)
    {
        Limit(limit);
        return InTransactionAsync(sessions, identity, true, async (s, ct) => (IReadOnlyList<ArenaSessionRecord>)await QueryAsync(s,
            $"SELECT {SessionColumns} FROM arena_sessions WHERE user_id = current_user_id() ORDER BY started_at DESC, session_id LIMIT $1", MapSession, ct, P(limit)).ConfigureAwait(false), cancellationToken);
    }

    public Task<ArenaSessionRecord?> UpdateStatusAsync(DbIdentity identity, SessionId sessionId, string status, CancellationToken cancellationToken = default)
    {
        if (status is not ("active" or "paused" or "completed"))
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, $"session status \"{status}\" is not one of active, paused, completed");
        }

        return InTransactionAsync(sessions, identity, false, async (s, ct) => (await QueryAsync(s, $"""
            UPDATE arena_sessions SET status = $2, ended_at = CASE WHEN $2 = 'completed' THEN coalesce(ended_at, clock_timestamp()) END, last_activity = clock_timestamp()
             WHERE session_id = $1 RETURNING {SessionColumns}
            """, MapSession, ct, P(sessionId.Value), P(status)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);
    }

    public Task<bool> DeleteAsync(DbIdentity identity, SessionId sessionId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(sessions, identity, false, async (s, ct) =>
            await ExecAsync(s, "DELETE FROM arena_sessions WHERE session_id = $1", ct, P(sessionId.Value)).ConfigureAwait(false) == 1, cancellationToken);

    public Task<QuantumJobRecord> CreateAsync(DbIdentity identity, NewQuantumJob job, CancellationToken cancellationToken = default) =>
        InTransactionAsync(sessions, identity, false, (s, ct) => InsertJobAsync(s, job, ct), cancellationToken);

    public async Task<QuantumJobRecord?> GetAsync(DbIdentity identity, JobId jobId, CancellationToken cancellationToken = default) =>
        await ReadAsync(identity, $"SELECT {JobColumns} FROM quantum_jobs WHERE job_id = $1", MapJob, cancellationToken, P(jobId.Value)).ConfigureAwait(false) is { Count: > 0 } rows ? rows[0] : null;

    public Task<IReadOnlyList<QuantumJobRecord>> ListAsync(DbIdentity identity, int limit, CancellationToken cancellationToken = default)
    {
        Limit(limit);
        string where = identity.Kind == DbIdentityKind.User ? "WHERE user_id = current_user_id()" : string.Empty;
        return ReadAsync(identity, $"SELECT {JobColumns} FROM quantum_jobs {where} ORDER BY submitted_at DESC, job_id LIMIT $1", MapJob, cancellationToken, P(limit));
    }

    /// <summary>
    /// A hot read in one round trip (BEGIN, identity, query, COMMIT in one batch) under RLS, on the read-only data
    /// source when one is configured; falls back to a session for other <see cref="IDbSessionFactory"/> implementations.
    /// </summary>
    private async Task<IReadOnlyList<T>> ReadAsync<T>(DbIdentity identity, string sql, Func<Npgsql.NpgsqlDataReader, T> map, CancellationToken cancellationToken, params Npgsql.NpgsqlParameter[] ps)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (sessions is DbSessionFactory factory)
        {
            return await OneRoundTrip.QueryAsync(factory.DataSource(readOnly: true), identity, sql, map, cancellationToken, ps).ConfigureAwait(false);
        }

        return await InTransactionAsync(sessions, identity, true, async (s, ct) => (IReadOnlyList<T>)await QueryAsync(s, sql, map, ct, ps).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public Task<QuantumJobRecord?> FinishAsync(DbIdentity identity, JobId jobId, string status, JsonElement? counts, JsonElement? metrics, string? errorMessage, CancellationToken cancellationToken = default)
    {
        if (status is not ("completed" or "failed" or "cancelled"))
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, $"a finished job's status must be completed, failed or cancelled, not \"{status}\"");
        }

        return InTransactionAsync(sessions, identity, false, async (s, ct) => (await QueryAsync(s, $"""
            UPDATE quantum_jobs SET status = $2, counts = coalesce($3, counts), metrics = coalesce($4, metrics), error_message = $5, completed_at = clock_timestamp()
             WHERE job_id = $1 AND status IN ('queued', 'running') RETURNING {JobColumns}
            """, MapJob, ct, P(jobId.Value), P(status), Json(counts), Json(metrics), P(errorMessage)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);
    }

    public Task<CommitRecord> CreateAsync(DbIdentity identity, NewCommit commit, CancellationToken cancellationToken = default) =>
        InTransactionAsync(sessions, identity, false, (s, ct) => InsertCommitAsync(s, commit, ct), cancellationToken);

    public Task<IReadOnlyList<CommitRecord>> ListAsync(DbIdentity identity, SessionId sessionId, int limit, CancellationToken cancellationToken = default)
    {
        Limit(limit);
        return InTransactionAsync(sessions, identity, true, async (s, ct) => (IReadOnlyList<CommitRecord>)await QueryAsync(s,
            "SELECT commit_hash, session_id, user_id, commit_message, author, files_changed, additions, deletions, committed_at FROM commit_logs WHERE session_id = $1 ORDER BY committed_at DESC, commit_hash LIMIT $2",
            MapCommit, ct, P(sessionId.Value), P(limit)).ConfigureAwait(false), cancellationToken);
    }
}
