using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using static QuantumLM.Persistence.Postgres.Sql;

namespace QuantumLM.Persistence.Postgres;

/// <summary>The agents' <see cref="IQuantumJobRecorder"/>: writes <c>quantum_jobs</c> under the service identity <c>&lt;ServiceName&gt;:agents</c>.</summary>
internal sealed class PostgresQuantumJobRecorder(IDbSessionFactory sessions, IOptions<QuantumLmPostgresOptions> options) : IQuantumJobRecorder
{
    private const string Columns = "job_id, user_id, session_id, task_id, backend, backend_job_id, status, shots";
    private readonly DbIdentity _service = DbIdentity.ForService(options.Value.ServiceName + ":agents");

    private static QuantumJobState Map(Npgsql.NpgsqlDataReader r) => new(
        new JobId(r.GetGuid(0)), new UserId(r.GetGuid(1)), Uuid(r, 2) is Guid s ? new SessionId(s) : null, Uuid(r, 3) is Guid t ? new TaskId(t) : null,
        r.GetString(4), Str(r, 5), r.GetString(6), r.GetInt32(7));

    public Task<QuantumJobState?> GetAsync(JobId jobId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(sessions, _service, true, async (s, ct) => (await QueryAsync(s,
            $"SELECT {Columns} FROM quantum_jobs WHERE job_id = $1", Map, ct, P(jobId.Value)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    public Task<QuantumJobState> CreateAsync(QuantumJobRegistration job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        return InTransactionAsync(sessions, _service, false, async (s, ct) =>
        {
            await ExecAsync(s, """
                INSERT INTO quantum_jobs (job_id, user_id, session_id, task_id, backend, circuit_qasm, shots, seed, num_qubits)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (job_id) DO NOTHING
                """, ct, P(job.JobId.Value), P(job.UserId.Value), P(job.SessionId?.Value), P(job.TaskId?.Value), P(job.Backend), P(job.CircuitQasm),
                P(job.Shots), P(job.Seed), P(job.NumQubits)).ConfigureAwait(false);
            return (await QueryAsync(s, $"SELECT {Columns} FROM quantum_jobs WHERE job_id = $1", Map, ct, P(job.JobId.Value)).ConfigureAwait(false))[0];
        }, cancellationToken);
    }

    public Task<bool> MarkRunningAsync(JobId jobId, string backend, string? backendJobId, TaskId? taskId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backend);
        return InTransactionAsync(sessions, _service, false, async (s, ct) => await ExecAsync(s, """
            UPDATE quantum_jobs SET status = 'running', backend = $2, backend_job_id = coalesce($3, backend_job_id), task_id = coalesce(task_id, $4),
                   started_at = coalesce(started_at, clock_timestamp())
             WHERE job_id = $1 AND status IN ('queued', 'running')
            """, ct, P(jobId.Value), P(backend), P(backendJobId), P(taskId?.Value)).ConfigureAwait(false) == 1, cancellationToken);
    }

    public Task<bool> MarkFailedAsync(JobId jobId, string errorMessage, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(errorMessage);
        string error = errorMessage.Length > 4000 ? errorMessage[..4000] : errorMessage;
        return InTransactionAsync(sessions, _service, false, async (s, ct) => await ExecAsync(s, """
            UPDATE quantum_jobs SET status = 'failed', error_message = $2, completed_at = clock_timestamp()
             WHERE job_id = $1 AND status IN ('queued', 'running')
            """, ct, P(jobId.Value), P(error)).ConfigureAwait(false) == 1, cancellationToken);
    }
}
