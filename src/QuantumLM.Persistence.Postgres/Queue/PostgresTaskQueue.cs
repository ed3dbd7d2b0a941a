using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using static QuantumLM.Persistence.Postgres.Sql;

namespace QuantumLM.Persistence.Postgres;

/// <summary>
/// The PostgreSQL task queue: one-statement batch claims with <c>FOR UPDATE SKIP LOCKED</c> in priority then run-time
/// order, leases that are fencing tokens, heartbeats, rescue of expired leases, exponential backoff with seeded
/// jitter, dead letter with an error history, idempotency keys, retention, and a debounced NOTIFY wake-up hint.
/// </summary>
internal sealed partial class PostgresTaskQueue : ITransactionalTaskQueue, ITaskQueueMaintenance
{
    internal const string TaskColumns =
        "task_id, task_type, payload, status, priority, session_id, user_id, attempts, max_attempts, worker_id, locked_until, created_at, run_at, completed_at, result, error, lease_token";

    internal const string ClaimSql = $"""
        WITH c AS MATERIALIZED (
          SELECT task_id FROM task_queue
           WHERE status = 'pending' AND run_at <= now() AND attempts < max_attempts AND ($3::text[] IS NULL OR task_type = ANY ($3))
           ORDER BY priority, run_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
        UPDATE task_queue t
           SET status = 'running', attempts = t.attempts + 1, worker_id = $1, lease_token = gen_random_uuid(),
               locked_until = clock_timestamp() + $4::interval, started_at = clock_timestamp()
          FROM c
         WHERE t.task_id = c.task_id
        RETURNING {TaskColumnsQualified}
        """;

    private const string TaskColumnsQualified =
        "t.task_id, t.task_type, t.payload, t.status, t.priority, t.session_id, t.user_id, t.attempts, t.max_attempts, t.worker_id, t.locked_until, t.created_at, t.run_at, t.completed_at, t.result, t.error, t.lease_token";

    private readonly IDbSessionFactory _sessions;
    private readonly NpgsqlDataSource _primary;
    private readonly TaskQueueOptions _options;
    private readonly DbIdentity _service;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SeededRandom _jitter;
    private readonly Lock _jitterGate = new();
    private long _lastRescueTicks;
    private long _lastNotifyTicks = long.MinValue / 2;
    private int _trailingNotify;

    public PostgresTaskQueue(IDbSessionFactory sessions, PostgresDataSources sources, IOptions<QuantumLmPostgresOptions> options, TimeProvider time, ILogger<PostgresTaskQueue>? logger = null)
    {
        _sessions = sessions;
        _primary = sources.Primary;
        _options = options.Value.TaskQueue;
        _service = DbIdentity.ForService(options.Value.ServiceName + ":queue");
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _jitter = new SeededRandom(_options.JitterSeed);
        _lastRescueTicks = long.MinValue / 2;
    }

    public Task<TaskId> EnqueueAsync(NewAgentTask task, CancellationToken cancellationToken = default) => EnqueueAsync(_service, task, cancellationToken);

    public async Task<TaskId> EnqueueAsync(DbIdentity identity, NewAgentTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        Validate(task);
        TaskId id = await InTransactionAsync(_sessions, identity, false, async (s, ct) =>
        {
            TaskId stored = await InsertTaskAsync(s, TaskId.New(), task, ct).ConfigureAwait(false);
            await MaybeNotifyInlineAsync(s, ct).ConfigureAwait(false);
            return stored;
        }, cancellationToken).ConfigureAwait(false);
        return id;
    }

    public async Task<TaskId> EnqueueWithRowsAsync(DbIdentity identity, Func<TaskId, ITaskResultWriter, CancellationToken, Task<NewAgentTask>> prepare, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(prepare);
        TaskId id = await InTransactionAsync(_sessions, identity, false, async (s, ct) =>
        {
            TaskId planned = TaskId.New();
            NewAgentTask task = await prepare(planned, new ResultWriter(s), ct).ConfigureAwait(false);
            Validate(task);
            TaskId stored = await InsertTaskAsync(s, planned, task, ct).ConfigureAwait(false);
            if (stored != planned)
            {
                throw new QuantumLmException(QuantumLmErrorCodes.Conflict, $"idempotency key \"{task.IdempotencyKey}\" already names task {stored}; rows written for a new task would not belong to it");
            }

            await MaybeNotifyInlineAsync(s, ct).ConfigureAwait(false);
            return stored;
        }, cancellationToken).ConfigureAwait(false);
        return id;
    }

    private static async Task<TaskId> InsertTaskAsync(DbSession s, TaskId id, NewAgentTask task, CancellationToken ct)
    {
        object? existing = await ScalarAsync(s, """
            WITH ins AS (
              INSERT INTO task_queue (task_id, task_type, payload, priority, user_id, session_id, max_attempts, run_at, idempotency_key)
              VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, clock_timestamp()), $9)
              ON CONFLICT (idempotency_key) DO NOTHING
              RETURNING task_id)
            SELECT task_id FROM ins
            UNION ALL
            SELECT task_id FROM task_queue WHERE idempotency_key = $9 AND NOT EXISTS (SELECT 1 FROM ins)
            """, ct,
            P(id.Value), P(task.TaskType.ToString()), Json(task.Payload), P(task.Priority), P(task.CreatedBy?.Value), P(task.SessionId?.Value),
            P(task.MaxAttempts), P(task.ScheduledAt), P(task.IdempotencyKey)).ConfigureAwait(false);
        return existing is Guid g
            ? new TaskId(g)
            : throw new QuantumLmException(QuantumLmErrorCodes.Conflict, $"idempotency key \"{task.IdempotencyKey}\" belongs to a task this identity cannot see");
    }

    public async Task<IReadOnlyList<TaskId>> EnqueueManyAsync(IReadOnlyList<NewAgentTask> tasks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0)
        {
            return [];
        }

        int n = tasks.Count;
        var ids = new Guid[n];
        var types = new string[n];
        var payloads = new string[n];
        var priorities = new int[n];
        var users = new Guid?[n];
        var sessionIds = new Guid?[n];
        var maxAttempts = new int[n];
        var runAts = new DateTimeOffset?[n];
        var keys = new string?[n];
        for (int i = 0; i < n; i++)
        {
            NewAgentTask t = tasks[i];
            Validate(t);
            ids[i] = TaskId.New().Value;
            types[i] = t.TaskType.ToString();
            payloads[i] = t.Payload.GetRawText();
            priorities[i] = t.Priority;
            users[i] = t.CreatedBy?.Value;
            sessionIds[i] = t.SessionId?.Value;
            maxAttempts[i] = t.MaxAttempts;
            runAts[i] = t.ScheduledAt;
            keys[i] = t.IdempotencyKey;
        }

        return await InTransactionAsync(_sessions, _service, false, async (s, ct) =>
        {
            NpgsqlCommand cmd = s.Command("""
                WITH input AS (
                  SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::int[], $5::uuid[], $6::uuid[], $7::int[], $8::timestamptz[], $9::text[])
                         WITH ORDINALITY AS u(task_id, task_type, payload, priority, user_id, session_id, max_attempts, run_at, idempotency_key, ord)),
                ins AS (
                  INSERT INTO task_queue (task_id, task_type, payload, priority, user_id, session_id, max_attempts, run_at, idempotency_key)
                  SELECT task_id, task_type, payload, priority, user_id, session_id, max_attempts, coalesce(run_at, clock_timestamp()), idempotency_key
                    FROM input ORDER BY ord
                  ON CONFLICT (idempotency_key) DO NOTHING
                  RETURNING task_id)
                SELECT coalesce(ins.task_id, q.task_id)
                  FROM input
                  LEFT JOIN ins ON ins.task_id = input.task_id
                  LEFT JOIN task_queue q ON ins.task_id IS NULL AND q.idempotency_key = input.idempotency_key
                 ORDER BY input.ord
                """);
            await using ConfiguredAsyncDisposable cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = ids });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = types });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = payloads });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = priorities });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = users });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = sessionIds });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = maxAttempts });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = runAts });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = keys });
            var result = new List<TaskId>(n);
            NpgsqlDataReader r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
            {
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    result.Add(new TaskId(r.GetGuid(0)));
                }
            }

            await NotifyAsync(s, ct).ConfigureAwait(false);
            return (IReadOnlyList<TaskId>)result;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ClaimedTask>> ClaimAsync(string workerId, int maxCount, TimeSpan lease, IReadOnlyCollection<string>? taskTypes = null, CancellationToken cancellationToken = default)
    {
        ValidateWorker(workerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, 10_000);
        ValidateLease(lease);
        long now = _time.GetTimestamp();
        if (_time.GetElapsedTime(Interlocked.Read(ref _lastRescueTicks), now) >= _options.RescueInterval)
        {
            Interlocked.Exchange(ref _lastRescueTicks, now);
            await RescueExpiredLeasesAsync(cancellationToken).ConfigureAwait(false);
        }

        string[]? types = taskTypes is null ? null : [.. taskTypes];
        List<ClaimedTask> claimed = await OneRoundTrip.QueryAsync(_primary, WorkerIdentity(workerId), ClaimSql, r => new ClaimedTask(MapTask(r), r.GetGuid(16)), cancellationToken,
            P(workerId), P(maxCount), new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = (object?)types ?? DBNull.Value }, P(lease)).ConfigureAwait(false);
        claimed.Sort(static (a, b) => a.Task.Priority != b.Task.Priority ? a.Task.Priority.CompareTo(b.Task.Priority) : a.Task.ScheduledAt.CompareTo(b.Task.ScheduledAt));
        return claimed;
    }

    public async Task<bool> HeartbeatAsync(TaskId taskId, Guid leaseToken, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ValidateLease(lease);
        return await OneRoundTrip.ExecAsync(_primary, _service,
            "UPDATE task_queue SET locked_until = clock_timestamp() + $3::interval WHERE task_id = $1 AND lease_token = $2 AND status = 'running'",
            cancellationToken, P(taskId.Value), P(leaseToken), P(lease)).ConfigureAwait(false) == 1;
    }

    public async Task<bool> CompleteAsync(TaskId taskId, Guid leaseToken, JsonElement result, CancellationToken cancellationToken = default) =>
        await OneRoundTrip.ExecAsync(_primary, _service, CompleteSql, cancellationToken, P(taskId.Value), P(leaseToken), Json(result)).ConfigureAwait(false) == 1;

    private const string CompleteSql = """
        UPDATE task_queue SET status = 'completed', result = $3, completed_at = clock_timestamp(), lease_token = NULL, locked_until = NULL, error = NULL
         WHERE task_id = $1 AND lease_token = $2 AND status = 'running'
        """;

    public Task<bool> CompleteAsync(TaskId taskId, Guid leaseToken, JsonElement result, Func<ITaskResultWriter, CancellationToken, Task> writeResults, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writeResults);
        return InTransactionAsync(_sessions, _service, false, async (s, ct) =>
        {
            object? worker = await ScalarAsync(s, CompleteSql + " RETURNING worker_id", ct, P(taskId.Value), P(leaseToken), Json(result)).ConfigureAwait(false);
            if (worker is not string workerId)
            {
                return false;
            }

            // The result rows are written as the worker that held the lease, so written_by records it.
            await ExecAsync(s, "SELECT set_config('request.jwt.claims', $1, true)", ct, P(WorkerIdentity(workerId).ToClaimsJson())).ConfigureAwait(false);
            await writeResults(new ResultWriter(s), ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<bool> CompleteAsync(TaskId taskId, Guid leaseToken, JsonElement result, AgentTaskOutputs outputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return CompleteAsync(taskId, leaseToken, result, (writer, ct) => ((ResultWriter)writer).WriteAsync(outputs, ct), cancellationToken);
    }

    public async Task<int> CompleteManyAsync(IReadOnlyList<TaskCompletion> completions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completions);
        if (completions.Count == 0)
        {
            return 0;
        }

        var ids = new Guid[completions.Count];
        var tokens = new Guid[completions.Count];
        var results = new string[completions.Count];
        for (int i = 0; i < completions.Count; i++)
        {
            ids[i] = completions[i].TaskId.Value;
            tokens[i] = completions[i].LeaseToken;
            results[i] = completions[i].Result.GetRawText();
        }

        return await OneRoundTrip.ExecAsync(_primary, _service, """
            UPDATE task_queue t SET status = 'completed', result = u.result, completed_at = clock_timestamp(), lease_token = NULL, locked_until = NULL, error = NULL
              FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[]) AS u(task_id, lease_token, result)
             WHERE t.task_id = u.task_id AND t.lease_token = u.lease_token AND t.status = 'running'
            """, cancellationToken,
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = ids },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = tokens },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = results }).ConfigureAwait(false);
    }

    public Task<TaskFailureOutcome> FailAsync(TaskId taskId, Guid leaseToken, TaskFailure failure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentException.ThrowIfNullOrWhiteSpace(failure.Error);
        string error = failure.Error.Length > 4000 ? failure.Error[..4000] : failure.Error;
        return InTransactionAsync(_sessions, _service, false, async (s, ct) =>
        {
            List<(int Attempts, int Max)> rows = await QueryAsync(s,
                "SELECT attempts, max_attempts FROM task_queue WHERE task_id = $1 AND lease_token = $2 AND status = 'running' FOR UPDATE",
                r => (r.GetInt32(0), r.GetInt32(1)), ct, P(taskId.Value), P(leaseToken)).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                return TaskFailureOutcome.LeaseLost;
            }

            (int attempts, int max) = rows[0];
            bool retry = failure.IsTransient && attempts < max;
            TimeSpan delay = retry ? failure.RetryAfter ?? NextBackoff(attempts) : TimeSpan.Zero;
            await ExecAsync(s, """
                UPDATE task_queue
                   SET status = CASE WHEN $3 THEN 'pending' ELSE 'failed' END,
                       run_at = CASE WHEN $3 THEN clock_timestamp() + $4::interval ELSE run_at END,
                       completed_at = CASE WHEN $3 THEN NULL ELSE clock_timestamp() END,
                       lease_token = NULL, locked_until = NULL, error = $5,
                       errors = errors || jsonb_build_array(jsonb_build_object(
                         'attempt', attempts, 'error', $5::text, 'transient', $6::boolean, 'worker', worker_id, 'at', clock_timestamp()))
                 WHERE task_id = $1 AND lease_token = $2
                """, ct, P(taskId.Value), P(leaseToken), P(retry), P(delay), P(error), P(failure.IsTransient)).ConfigureAwait(false);
            if (retry && delay <= TimeSpan.Zero)
            {
                await MaybeNotifyInlineAsync(s, ct).ConfigureAwait(false);
            }

            return retry ? TaskFailureOutcome.Retried : TaskFailureOutcome.DeadLettered;
        }, cancellationToken);
    }

    public Task<bool> ReleaseAsync(TaskId taskId, Guid leaseToken, CancellationToken cancellationToken = default) =>
        InTransactionAsync(_sessions, _service, false, async (s, ct) =>
        {
            int n = await ExecAsync(s, """
                UPDATE task_queue SET status = 'pending', attempts = attempts - 1, lease_token = NULL, locked_until = NULL, worker_id = NULL, started_at = NULL
                 WHERE task_id = $1 AND lease_token = $2 AND status = 'running'
                """, ct, P(taskId.Value), P(leaseToken)).ConfigureAwait(false);
            if (n == 1)
            {
                await MaybeNotifyInlineAsync(s, ct).ConfigureAwait(false);
            }

            return n == 1;
        }, cancellationToken);

    public Task<bool> CancelAsync(TaskId taskId, CancellationToken cancellationToken = default) => CancelAsync(_service, taskId, cancellationToken);

    public Task<bool> CancelAsync(DbIdentity identity, TaskId taskId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(_sessions, identity, false, async (s, ct) =>
            await ScalarAsync(s, "SELECT cancel_task($1)", ct, P(taskId.Value)).ConfigureAwait(false) is true, cancellationToken);

    public Task<AgentTask?> GetAsync(TaskId taskId, CancellationToken cancellationToken = default) => GetAsync(_service, taskId, cancellationToken);

    public Task<AgentTask?> GetAsync(DbIdentity identity, TaskId taskId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(_sessions, identity, true, async (s, ct) =>
            (await QueryAsync(s, $"SELECT {TaskColumns} FROM task_queue WHERE task_id = $1", MapTask, ct, P(taskId.Value)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    public Task<IReadOnlyList<JsonElement>> GetErrorHistoryAsync(TaskId taskId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(_sessions, _service, true, async (s, ct) =>
        {
            List<JsonElement?> rows = await QueryAsync(s, "SELECT errors FROM task_queue WHERE task_id = $1", r => ReadJson(r, 0), ct, P(taskId.Value)).ConfigureAwait(false);
            if (rows.Count == 0 || rows[0] is not JsonElement arr)
            {
                return (IReadOnlyList<JsonElement>)[];
            }

            return [.. arr.EnumerateArray()];
        }, cancellationToken);

    public async Task<int> RescueExpiredLeasesAsync(CancellationToken cancellationToken = default)
    {
        int n = await InTransactionAsync(_sessions, _service, false, (s, ct) => ExecAsync(s, """
            WITH x AS MATERIALIZED (
              SELECT task_id FROM task_queue WHERE status = 'running' AND locked_until < clock_timestamp()
               ORDER BY locked_until LIMIT 1000 FOR UPDATE SKIP LOCKED)
            UPDATE task_queue t
               SET status = CASE WHEN t.attempts >= t.max_attempts THEN 'failed' ELSE 'pending' END,
                   completed_at = CASE WHEN t.attempts >= t.max_attempts THEN clock_timestamp() END,
                   run_at = CASE WHEN t.attempts >= t.max_attempts THEN t.run_at ELSE clock_timestamp() END,
                   error = 'lease expired (worker ' || t.worker_id || ' stopped heartbeating)',
                   errors = t.errors || jsonb_build_array(jsonb_build_object(
                     'attempt', t.attempts, 'error', 'lease expired', 'transient', true, 'worker', t.worker_id, 'at', clock_timestamp())),
                   lease_token = NULL, locked_until = NULL
              FROM x WHERE t.task_id = x.task_id
            """, ct), cancellationToken).ConfigureAwait(false);
        if (n > 0)
        {
            Log.LeasesRescued(_logger, n);
        }

        return n;
    }

    public async Task<int> PurgeFinishedAsync(CancellationToken cancellationToken = default)
    {
        int total = 0;
        foreach ((string state, TimeSpan keep) in (List<(string, TimeSpan)>)[("completed", _options.CompletedRetention), ("failed", _options.FailedRetention), ("cancelled", _options.CancelledRetention)])
        {
            while (true)
            {
                int n = await InTransactionAsync(_sessions, _service, false, (s, ct) => ExecAsync(s, """
                    DELETE FROM task_queue WHERE task_id IN (
                      SELECT task_id FROM task_queue
                       WHERE status IN ('completed', 'failed', 'cancelled') AND status = $1 AND completed_at < clock_timestamp() - $2::interval
                       ORDER BY completed_at LIMIT $3 FOR UPDATE SKIP LOCKED)
                    """, ct, P(state), P(keep), P(_options.PurgeBatchSize)), cancellationToken).ConfigureAwait(false);
                total += n;
                if (n < _options.PurgeBatchSize)
                {
                    break;
                }
            }
        }

        if (total > 0)
        {
            Log.TasksPurged(_logger, total);
        }

        return total;
    }

    internal TimeSpan NextBackoff(int attempt)
    {
        double u;
        lock (_jitterGate)
        {
            u = _jitter.NextDouble();
        }

        return Backoff.Delay(attempt, _options.BackoffBase, _options.BackoffCap, _options.JitterRatio, u);
    }

    internal static AgentTask MapTask(NpgsqlDataReader r) => new()
    {
        Id = new TaskId(r.GetGuid(0)),
        TaskType = TaskType.Parse(r.GetString(1)),
        Payload = ReadJson(r, 2)!.Value,
        Status = r.GetString(3) switch
        {
            "pending" => AgentTaskStatus.Pending,
            "running" => AgentTaskStatus.Running,
            "completed" => AgentTaskStatus.Completed,
            "failed" => AgentTaskStatus.Failed,
            _ => AgentTaskStatus.Cancelled,
        },
        Priority = r.GetInt32(4),
        SessionId = Uuid(r, 5) is Guid s ? new SessionId(s) : null,
        CreatedBy = Uuid(r, 6) is Guid u ? new UserId(u) : null,
        Attempts = r.GetInt32(7),
        MaxAttempts = r.GetInt32(8),
        WorkerId = Str(r, 9),
        LeaseExpiresAt = Time(r, 10),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(11),
        ScheduledAt = r.GetFieldValue<DateTimeOffset>(12),
        CompletedAt = Time(r, 13),
        Result = ReadJson(r, 14),
        Error = Str(r, 15),
    };

    private static DbIdentity WorkerIdentity(string workerId) => DbIdentity.ForService("worker:" + workerId);

    private static void Validate(NewAgentTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.TaskType.Agent is null)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.UnknownTaskType, "task type is empty: use TaskType.Parse(\"<agent>:<action>\")");
        }

        if (task.Payload.ValueKind == JsonValueKind.Undefined)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, "task payload is undefined: pass a JSON value");
        }

        if (task.Priority is < 0 or > 10_000)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, $"task priority {task.Priority} is outside 0..10000 (lower runs first)");
        }

        if (task.MaxAttempts is < 1 or > 1000)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, $"max attempts {task.MaxAttempts} is outside 1..1000");
        }

        if (task.IdempotencyKey is { } k && (k.Length is 0 or > 200))
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, $"idempotency key must be 1..200 characters, got {k.Length}");
        }
    }

    private static void ValidateWorker(string workerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        if (!WorkerIdPattern().IsMatch(workerId))
        {
            throw new ArgumentException($"worker id \"{workerId}\" must be 1-90 characters of letters, digits, '_', '-', '.', ':' or '@'.", nameof(workerId));
        }
    }

    private static void ValidateLease(TimeSpan lease)
    {
        if (lease < TimeSpan.FromMilliseconds(10) || lease > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "A lease is between 10 ms and 1 day.");
        }
    }

    private async Task MaybeNotifyInlineAsync(DbSession s, CancellationToken ct)
    {
        long now = _time.GetTimestamp();
        long last = Interlocked.Read(ref _lastNotifyTicks);
        if (_time.GetElapsedTime(last, now) >= _options.NotifyDebounce && Interlocked.CompareExchange(ref _lastNotifyTicks, now, last) == last)
        {
            await NotifyAsync(s, ct).ConfigureAwait(false);
            return;
        }

        // Suppressed by the debounce: make sure one trailing notification follows the window.
        if (Interlocked.Exchange(ref _trailingNotify, 1) == 0)
        {
            _ = Task.Run(TrailingNotifyAsync, CancellationToken.None);
        }
    }

    private async Task TrailingNotifyAsync()
    {
        try
        {
            await Task.Delay(_options.NotifyDebounce + TimeSpan.FromMilliseconds(1), _time).ConfigureAwait(false);
            Interlocked.Exchange(ref _trailingNotify, 0);
            Interlocked.Exchange(ref _lastNotifyTicks, _time.GetTimestamp());
            NpgsqlCommand cmd = _primary.CreateCommand($"SELECT pg_notify('{TaskQueueSignal.Channel}', '')");
            await using ConfiguredAsyncDisposable cmdScope = cmd.ConfigureAwait(false);
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // A lost hint costs at most one poll interval.
        }
    }

    private static Task<int> NotifyAsync(DbSession s, CancellationToken ct) => ExecAsync(s, $"SELECT pg_notify('{TaskQueueSignal.Channel}', '')", ct);

    [GeneratedRegex("^[A-Za-z0-9_.:@-]{1,90}$", RegexOptions.CultureInvariant)]
    private static partial Regex WorkerIdPattern();

    private sealed class ResultWriter(DbSession session) : ITaskResultWriter
    {
        public Task<AgentEvent> AddEventAsync(NewAgentEvent agentEvent, CancellationToken cancellationToken = default) => InsertEventAsync(session, agentEvent, cancellationToken);

        public Task<QuantumJobRecord> AddQuantumJobAsync(NewQuantumJob job, CancellationToken cancellationToken = default) => InsertJobAsync(session, job, cancellationToken);

        public Task<CommitRecord> AddCommitAsync(NewCommit commit, CancellationToken cancellationToken = default) => InsertCommitAsync(session, commit, cancellationToken);

        public Task WriteAsync(AgentTaskOutputs outputs, CancellationToken cancellationToken) => TaskOutputsWriter.WriteAsync(session, outputs, cancellationToken);
    }
}
