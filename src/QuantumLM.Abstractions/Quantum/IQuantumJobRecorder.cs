namespace QuantumLM.Abstractions.Quantum;

/// <summary>
/// Records the life cycle of a quantum job row (<c>quantum_jobs</c>) for the agent that runs it, under a service identity:
/// created (when the caller did not create it), running with the backend's job id (recorded before waiting, so that a
/// restarted worker re-attaches instead of resubmitting), or failed. The completed state is written in the task's
/// completion transaction (<see cref="Agents.AgentTaskOutputs.CompleteQuantumJob"/>). Implemented by
/// <c>QuantumLM.Persistence.Postgres</c>.
/// </summary>
public interface IQuantumJobRecorder
{
    /// <summary>Reads a job's state.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The state, or <see langword="null"/> when there is no such job.</returns>
    Task<QuantumJobState?> GetAsync(JobId jobId, CancellationToken cancellationToken = default);

    /// <summary>Creates the job row in status <c>queued</c> unless a row with the same id exists (idempotent).</summary>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The row's state (the existing one when it was already there).</returns>
    Task<QuantumJobState> CreateAsync(QuantumJobRegistration job, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks a queued or running job as running on <paramref name="backend"/>, with its backend job id when there is one,
    /// and links it to <paramref name="taskId"/> when the row has no task yet.
    /// </summary>
    /// <param name="jobId">The job.</param>
    /// <param name="backend">The backend name.</param>
    /// <param name="backendJobId">The backend's job id, or <see langword="null"/>.</param>
    /// <param name="taskId">The task running it, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when the job is missing or already finished.</returns>
    Task<bool> MarkRunningAsync(JobId jobId, string backend, string? backendJobId, TaskId? taskId = null, CancellationToken cancellationToken = default);

    /// <summary>Marks a queued or running job as failed.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="errorMessage">What failed (no secrets).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when the job is missing or already finished.</returns>
    Task<bool> MarkFailedAsync(JobId jobId, string errorMessage, CancellationToken cancellationToken = default);
}

/// <summary>A quantum job row to create.</summary>
public sealed record QuantumJobRegistration
{
    /// <summary>Gets the job id (the row's primary key).</summary>
    public required JobId JobId { get; init; }

    /// <summary>Gets the user the job runs for.</summary>
    public required UserId UserId { get; init; }

    /// <summary>Gets the session, if any.</summary>
    public SessionId? SessionId { get; init; }

    /// <summary>Gets the queue task that runs it, if any.</summary>
    public TaskId? TaskId { get; init; }

    /// <summary>Gets the backend name.</summary>
    public required string Backend { get; init; }

    /// <summary>Gets the OpenQASM source.</summary>
    public required string CircuitQasm { get; init; }

    /// <summary>Gets the number of shots.</summary>
    public required int Shots { get; init; }

    /// <summary>Gets the seed, if any.</summary>
    public long? Seed { get; init; }

    /// <summary>Gets the number of qubits, if known.</summary>
    public int? NumQubits { get; init; }
}

/// <summary>The recorded state of a quantum job.</summary>
/// <param name="JobId">The job.</param>
/// <param name="UserId">The user it runs for.</param>
/// <param name="SessionId">The session, if any.</param>
/// <param name="TaskId">The task, if any.</param>
/// <param name="Backend">The backend name.</param>
/// <param name="BackendJobId">The backend's job id, once submitted.</param>
/// <param name="Status"><c>queued</c>, <c>running</c>, <c>completed</c>, <c>failed</c> or <c>cancelled</c>.</param>
/// <param name="Shots">The number of shots.</param>
public sealed record QuantumJobState(JobId JobId, UserId UserId, SessionId? SessionId, TaskId? TaskId, string Backend, string? BackendJobId, string Status, int Shots)
{
    /// <summary>Gets a value indicating whether the job reached <c>completed</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public bool IsFinished => Status is "completed" or "failed" or "cancelled";
}
