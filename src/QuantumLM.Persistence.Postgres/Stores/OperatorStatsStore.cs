using QuantumLM.Abstractions;
using static QuantumLM.Persistence.Postgres.Sql;

namespace QuantumLM.Persistence.Postgres;

/// <summary>How many tasks of one type are in one status.</summary>
/// <param name="TaskType">The task type (<c>agent:action</c>).</param>
/// <param name="Status"><c>pending</c>, <c>running</c>, <c>completed</c>, <c>failed</c> or <c>cancelled</c>.</param>
/// <param name="Count">How many.</param>
public sealed record QueueDepth(string TaskType, string Status, long Count);

/// <summary>Quantum jobs of one backend submitted within the window.</summary>
/// <param name="Backend">The backend name.</param>
/// <param name="Total">Jobs submitted.</param>
/// <param name="Completed">Jobs completed.</param>
/// <param name="Failed">Jobs failed.</param>
/// <param name="Cancelled">Jobs cancelled.</param>
/// <param name="Open">Jobs queued or running.</param>
/// <param name="SuccessRate">Completed / (completed + failed), or <see langword="null"/> when none finished either way.</param>
/// <param name="MeanRunMilliseconds">Mean time from start to completion of the completed jobs, or <see langword="null"/>.</param>
/// <param name="P95RunMilliseconds">95th percentile of that time, or <see langword="null"/>.</param>
/// <param name="MeanQueueMilliseconds">Mean time from submission to start of the started jobs, or <see langword="null"/>.</param>
public sealed record BackendJobStats(string Backend, long Total, long Completed, long Failed, long Cancelled, long Open, double? SuccessRate,
    double? MeanRunMilliseconds, double? P95RunMilliseconds, double? MeanQueueMilliseconds);

/// <summary>A worker that holds at least one unexpired task lease.</summary>
/// <param name="WorkerId">The worker id.</param>
/// <param name="RunningTasks">How many tasks it is running.</param>
/// <param name="LeaseUntil">The latest lease expiry among them (renewed by heartbeats).</param>
public sealed record WorkerActivity(string WorkerId, long RunningTasks, DateTimeOffset LeaseUntil);

/// <summary>A task that failed for good (dead-lettered).</summary>
/// <param name="TaskId">The task.</param>
/// <param name="TaskType">Its type.</param>
/// <param name="Error">The last error.</param>
/// <param name="Attempts">How many attempts ran.</param>
/// <param name="FailedAt">When it failed.</param>
public sealed record FailedTaskSummary(TaskId TaskId, string TaskType, string? Error, int Attempts, DateTimeOffset FailedAt);

/// <summary>An operator's view of the platform at one moment.</summary>
/// <param name="GeneratedAt">The database time the figures were read at.</param>
/// <param name="Queue">Task counts by type and status (every task still stored).</param>
/// <param name="Backends">Quantum job figures per backend, over the window.</param>
/// <param name="Workers">Workers holding unexpired leases.</param>
/// <param name="RecentFailures">The most recent failed tasks, newest first.</param>
public sealed record OperatorStats(DateTimeOffset GeneratedAt, IReadOnlyList<QueueDepth> Queue, IReadOnlyList<BackendJobStats> Backends,
    IReadOnlyList<WorkerActivity> Workers, IReadOnlyList<FailedTaskSummary> RecentFailures);

/// <summary>
/// Read-only figures for operators: queue depth, job outcomes and latency per backend, active workers, recent failures.
/// Row-level security applies: under a user identity only the rows that user may see are counted; hosts authorise the
/// caller (operator or admin) and then read under a service identity to see the whole platform.
/// </summary>
public interface IOperatorStatsStore
{
    /// <summary>Reads the figures in one read-only transaction.</summary>
    /// <param name="identity">Who reads.</param>
    /// <param name="window">How far back job figures reach (1 minute to 365 days).</param>
    /// <param name="failureLimit">How many recent failures to return (0–1000).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The figures.</returns>
    Task<OperatorStats> GetAsync(DbIdentity identity, TimeSpan window, int failureLimit, CancellationToken cancellationToken = default);
}

internal sealed class PostgresOperatorStatsStore(IDbSessionFactory sessions) : IOperatorStatsStore
{
    public Task<OperatorStats> GetAsync(DbIdentity identity, TimeSpan window, int failureLimit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMinutes(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, TimeSpan.FromDays(365));
        ArgumentOutOfRangeException.ThrowIfNegative(failureLimit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(failureLimit, 1000);
        return InTransactionAsync(sessions, identity, true, async (s, ct) =>
        {
            DateTimeOffset now = (await QueryAsync(s, "SELECT now()", static r => r.GetFieldValue<DateTimeOffset>(0), ct).ConfigureAwait(false))[0];
            List<QueueDepth> queue = await QueryAsync(s, """
                SELECT task_type, status, count(*) FROM task_queue GROUP BY task_type, status ORDER BY task_type, status
                """, static r => new QueueDepth(r.GetString(0), r.GetString(1), r.GetInt64(2)), ct).ConfigureAwait(false);
            List<BackendJobStats> backends = await QueryAsync(s, """
                SELECT backend,
                       count(*),
                       count(*) FILTER (WHERE status = 'completed'),
                       count(*) FILTER (WHERE status = 'failed'),
                       count(*) FILTER (WHERE status = 'cancelled'),
                       count(*) FILTER (WHERE status IN ('queued', 'running')),
                       avg(extract(epoch FROM completed_at - started_at) * 1000) FILTER (WHERE status = 'completed' AND started_at IS NOT NULL),
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - started_at) * 1000)
                         FILTER (WHERE status = 'completed' AND started_at IS NOT NULL),
                       avg(extract(epoch FROM started_at - submitted_at) * 1000) FILTER (WHERE started_at IS NOT NULL)
                FROM quantum_jobs
                WHERE submitted_at >= now() - $1::interval
                GROUP BY backend ORDER BY backend
                """, static r =>
            {
                long completed = r.GetInt64(2);
                long failed = r.GetInt64(3);
                return new BackendJobStats(r.GetString(0), r.GetInt64(1), completed, failed, r.GetInt64(4), r.GetInt64(5),
                    completed + failed == 0 ? null : (double)completed / (completed + failed),
                    Number(r, 6), Number(r, 7), Number(r, 8));
            }, ct, P(window)).ConfigureAwait(false);
            List<WorkerActivity> workers = await QueryAsync(s, """
                SELECT worker_id, count(*), max(locked_until) FROM task_queue
                WHERE status = 'running' AND locked_until > now()
                GROUP BY worker_id ORDER BY worker_id
                """, static r => new WorkerActivity(r.GetString(0), r.GetInt64(1), r.GetFieldValue<DateTimeOffset>(2)), ct).ConfigureAwait(false);
            List<FailedTaskSummary> failures = await QueryAsync(s, """
                SELECT task_id, task_type, error, attempts, completed_at FROM task_queue
                WHERE status = 'failed' ORDER BY completed_at DESC LIMIT $1
                """, static r => new FailedTaskSummary(new TaskId(r.GetGuid(0)), r.GetString(1), Str(r, 2), r.GetInt32(3), r.GetFieldValue<DateTimeOffset>(4)),
                ct, P(failureLimit)).ConfigureAwait(false);
            return new OperatorStats(now, queue, backends, workers, failures);
        }, cancellationToken);
    }

    private static double? Number(Npgsql.NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToDouble(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
}
