using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Persistence.Postgres;

/// <summary>Shared SQL helpers and row writers (parameterized SQL only).</summary>
internal static class Sql
{
    public static NpgsqlParameter P(object? value) => new() { Value = value ?? DBNull.Value };

    public static NpgsqlParameter P<T>(T? value)
        where T : struct => new() { Value = value.HasValue ? value.Value : DBNull.Value };

    public static NpgsqlParameter Json(JsonElement? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = value.HasValue && value.Value.ValueKind != JsonValueKind.Undefined ? value.Value.GetRawText() : DBNull.Value };

    public static JsonElement? ReadJson(NpgsqlDataReader r, int i)
    {
        if (r.IsDBNull(i))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(r.GetString(i));
        return doc.RootElement.Clone();
    }

    public static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static Guid? Uuid(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetGuid(i);

    public static DateTimeOffset? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    public static async Task<int> ExecAsync(DbSession s, string sql, CancellationToken ct, params NpgsqlParameter[] ps)
    {
        NpgsqlCommand cmd = s.Command(sql);
        await using ConfiguredAsyncDisposable cmdScope = cmd.ConfigureAwait(false);
        cmd.Parameters.AddRange(ps);
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(DbSession s, string sql, CancellationToken ct, params NpgsqlParameter[] ps)
    {
        NpgsqlCommand cmd = s.Command(sql);
        await using ConfiguredAsyncDisposable cmdScope = cmd.ConfigureAwait(false);
        cmd.Parameters.AddRange(ps);
        object? o = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return o is DBNull ? null : o;
    }

    public static async Task<List<T>> QueryAsync<T>(DbSession s, string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params NpgsqlParameter[] ps)
    {
        NpgsqlCommand cmd = s.Command(sql);
        await using ConfiguredAsyncDisposable cmdScope = cmd.ConfigureAwait(false);
        cmd.Parameters.AddRange(ps);
        NpgsqlDataReader r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable rScope = r.ConfigureAwait(false);
        var list = new List<T>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(map(r));
        }

        return list;
    }

    /// <summary>Runs <paramref name="work"/> in one transaction under <paramref name="identity"/> and commits.</summary>
    public static async Task<T> InTransactionAsync<T>(IDbSessionFactory sessions, DbIdentity identity, bool readOnly, Func<DbSession, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        DbSession s = await sessions.OpenAsync(identity, readOnly, ct).ConfigureAwait(false);
        await using ConfiguredAsyncDisposable sScope = s.ConfigureAwait(false);
        try
        {
            T result = await work(s, ct).ConfigureAwait(false);
            await s.CommitAsync(ct).ConfigureAwait(false);
            return result;
        }
        catch (PostgresException ex)
        {
            throw Translate(ex);
        }
    }

    /// <summary>Maps database errors to <see cref="QuantumLmException"/> codes (privilege/RLS → forbidden, unique → conflict, check/FK → invalid).</summary>
    public static Exception Translate(PostgresException ex) => ex.SqlState switch
    {
        PostgresErrorCodes.InsufficientPrivilege => new QuantumLmException(QuantumLmErrorCodes.Forbidden, $"the database refused the operation for this identity: {ex.MessageText}", innerException: ex),
        PostgresErrorCodes.UniqueViolation => new QuantumLmException(QuantumLmErrorCodes.Conflict, $"duplicate value ({ex.ConstraintName}): {ex.MessageText}", innerException: ex),
        PostgresErrorCodes.CheckViolation or PostgresErrorCodes.NotNullViolation or PostgresErrorCodes.StringDataRightTruncation or PostgresErrorCodes.InvalidTextRepresentation
            => new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, $"invalid value ({ex.ConstraintName ?? ex.ColumnName}): {ex.MessageText}", innerException: ex),
        PostgresErrorCodes.ForeignKeyViolation => new QuantumLmException(QuantumLmErrorCodes.NotFound, $"a referenced row does not exist ({ex.ConstraintName}): {ex.MessageText}", innerException: ex),
        _ => new QuantumLmException(QuantumLmErrorCodes.ServiceError, $"database error {ex.SqlState}: {ex.MessageText}", ex.IsTransient, ex),
    };

    public const string EventColumns = "event_id, session_id, agent_type, event_type, level, task_id, message, data, created_at";

    public static AgentEvent MapEvent(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0),
        SessionId = new SessionId(r.GetGuid(1)),
        AgentType = r.GetString(2),
        EventType = r.GetString(3),
        Level = r.GetString(4) switch
        {
            "debug" => AgentEventLevel.Debug,
            "warning" => AgentEventLevel.Warning,
            "error" => AgentEventLevel.Error,
            _ => AgentEventLevel.Info,
        },
        TaskId = Uuid(r, 5) is Guid t ? new TaskId(t) : null,
        Message = Str(r, 6),
        Data = ReadJson(r, 7),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(8),
    };

    public static string LevelText(AgentEventLevel level) => level switch
    {
        AgentEventLevel.Debug => "debug",
        AgentEventLevel.Warning => "warning",
        AgentEventLevel.Error => "error",
        _ => "info",
    };

    public static async Task<AgentEvent> InsertEventAsync(DbSession s, NewAgentEvent e, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(e);
        List<AgentEvent> rows = await QueryAsync(s,
            $"INSERT INTO agent_events (session_id, agent_type, event_type, level, task_id, message, data) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {EventColumns}",
            MapEvent, ct, P(e.SessionId.Value), P(e.AgentType), P(e.EventType), P(LevelText(e.Level)), P(e.TaskId?.Value), P(e.Message), Json(e.Data)).ConfigureAwait(false);
        return rows[0];
    }

    public const string JobColumns = "job_id, user_id, session_id, task_id, backend, backend_job_id, shots, status, counts, metrics, error_message, written_by, submitted_at, completed_at, started_at, num_qubits, seed";

    public static QuantumJobRecord MapJob(NpgsqlDataReader r) => new()
    {
        JobId = new JobId(r.GetGuid(0)),
        UserId = new UserId(r.GetGuid(1)),
        SessionId = Uuid(r, 2) is Guid s ? new SessionId(s) : null,
        TaskId = Uuid(r, 3) is Guid t ? new TaskId(t) : null,
        Backend = r.GetString(4),
        BackendJobId = Str(r, 5),
        Shots = r.GetInt32(6),
        Status = r.GetString(7),
        Counts = ReadJson(r, 8),
        Metrics = ReadJson(r, 9),
        ErrorMessage = Str(r, 10),
        WrittenBy = r.GetString(11),
        SubmittedAt = r.GetFieldValue<DateTimeOffset>(12),
        CompletedAt = Time(r, 13),
        StartedAt = Time(r, 14),
        NumQubits = r.IsDBNull(15) ? null : r.GetInt32(15),
        Seed = r.IsDBNull(16) ? null : r.GetInt64(16),
    };

    public static async Task<QuantumJobRecord> InsertJobAsync(DbSession s, NewQuantumJob j, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(j);
        bool terminal = j.Status is "completed" or "failed" or "cancelled";
        List<QuantumJobRecord> rows = await QueryAsync(s,
            $"""
            INSERT INTO quantum_jobs (job_id, user_id, session_id, task_id, backend, backend_job_id, circuit_qasm, shots, seed, num_qubits, circuit_depth,
                                      status, counts, metrics, error_message, started_at, completed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                    CASE WHEN $12 <> 'queued' THEN clock_timestamp() END, CASE WHEN $16 THEN clock_timestamp() END)
            RETURNING {JobColumns}
            """,
            MapJob, ct, P(JobId.New().Value), P(j.UserId.Value), P(j.SessionId?.Value), P(j.TaskId?.Value), P(j.Backend), P(j.BackendJobId), P(j.CircuitQasm),
            P(j.Shots), P(j.Seed), P(j.NumQubits), P(j.CircuitDepth), P(j.Status), Json(j.Counts), Json(j.Metrics), P(j.ErrorMessage), P(terminal)).ConfigureAwait(false);
        return rows[0];
    }

    /// <summary>The commit's content hash (<see cref="CommitId.Compute"/>).</summary>
    public static CommitId CommitHash(NewCommit c) => CommitId.Compute(c.SessionId, c.Author, c.Message, c.Diff);

    /// <summary>Counts files, added and deleted lines of a unified diff.</summary>
    public static (int Files, int Additions, int Deletions) DiffStats(string diff)
    {
        int files = 0, add = 0, del = 0;
        foreach (ReadOnlySpan<char> line in diff.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("+++ ", StringComparison.Ordinal))
            {
                files++;
            }
            else if (line.StartsWith("--- ", StringComparison.Ordinal))
            {
                continue;
            }
            else if (line.StartsWith("+", StringComparison.Ordinal))
            {
                add++;
            }
            else if (line.StartsWith("-", StringComparison.Ordinal))
            {
                del++;
            }
        }

        return (files, add, del);
    }

    public static async Task<CommitRecord> InsertCommitAsync(DbSession s, NewCommit c, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(c);
        CommitId hash = CommitHash(c);
        (int files, int add, int del) = DiffStats(c.Diff);
        List<CommitRecord> rows = await QueryAsync(s,
            """
            WITH ins AS (
              INSERT INTO commit_logs (session_id, user_id, commit_hash, commit_message, author, files_changed, additions, deletions, diff)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (commit_hash) DO NOTHING
              RETURNING commit_hash, session_id, user_id, commit_message, author, files_changed, additions, deletions, committed_at)
            SELECT * FROM ins
            UNION ALL
            SELECT commit_hash, session_id, user_id, commit_message, author, files_changed, additions, deletions, committed_at
              FROM commit_logs WHERE commit_hash = $3 AND NOT EXISTS (SELECT 1 FROM ins)
            """,
            MapCommit, ct, P(c.SessionId.Value), P(c.UserId.Value), P(hash.Value), P(c.Message), P(c.Author), P(files), P(add), P(del), P(c.Diff)).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : throw new QuantumLmException(QuantumLmErrorCodes.Conflict, $"commit {hash.Value} already exists and is not visible to this identity");
    }

    public static CommitRecord MapCommit(NpgsqlDataReader r) => new(
        new CommitId(r.GetString(0)), new SessionId(r.GetGuid(1)), new UserId(r.GetGuid(2)), r.GetString(3), r.GetString(4),
        r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetFieldValue<DateTimeOffset>(8));
}
