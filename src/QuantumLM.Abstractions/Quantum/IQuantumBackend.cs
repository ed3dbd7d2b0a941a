namespace QuantumLM.Abstractions.Quantum;

/// <summary>
/// A place where circuits run: the local statevector simulator (<c>local</c>) or a remote device such as an IBM
/// Quantum processor. Implementations are thread-safe.
/// </summary>
public interface IQuantumBackend
{
    /// <summary>Gets the backend name used to select it (<c>local</c>, <c>ibm_fez</c>, …).</summary>
    string Name { get; }

    /// <summary>Reads the backend's current status.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The status.</returns>
    Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Submits a circuit and returns an operation that can be polled, awaited or cancelled.</summary>
    /// <param name="circuit">The circuit to run.</param>
    /// <param name="options">Shots, seed and tags.</param>
    /// <param name="cancellationToken">Cancels the submission (not the job once submitted).</param>
    /// <returns>The running job.</returns>
    /// <exception cref="QuantumLmException">The circuit is invalid for this backend, or the backend refused it.</exception>
    Task<QuantumJobOperation> SubmitAsync(QuantumCircuit circuit, QuantumJobOptions options, CancellationToken cancellationToken = default);

    /// <summary>Re-attaches to a job submitted earlier (for example before a worker restart) by its backend job id.</summary>
    /// <param name="backendJobId">The id from <see cref="QuantumJobOperation.Id"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The operation.</returns>
    /// <exception cref="QuantumLmException">No such job (<see cref="QuantumLmErrorCodes.NotFound"/>).</exception>
    Task<QuantumJobOperation> AttachAsync(string backendJobId, CancellationToken cancellationToken = default);
}

/// <summary>Options of one submission.</summary>
public sealed record QuantumJobOptions
{
    /// <summary>Gets the number of shots.</summary>
    /// <value>The default is 1024.</value>
    public int Shots { get; init; } = 1024;

    /// <summary>Gets the sampling seed, where the backend honours one (the local simulator does).</summary>
    public ulong? Seed { get; init; }

    /// <summary>Gets tags recorded with the job.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}

/// <summary>The status of a backend.</summary>
/// <param name="Name">The backend name.</param>
/// <param name="IsOperational">Whether it accepts jobs now.</param>
/// <param name="StatusMessage">A human-readable status.</param>
/// <param name="PendingJobs">Jobs waiting in its queue, when known.</param>
/// <param name="QubitCount">The number of qubits, when known.</param>
public sealed record BackendStatus(string Name, bool IsOperational, string StatusMessage, int? PendingJobs, int? QubitCount);

/// <summary>The result of a finished job.</summary>
public sealed record QuantumJobResult
{
    /// <summary>Gets the counts per classical register, keyed by register name.</summary>
    public required IReadOnlyDictionary<string, Counts> RegisterCounts { get; init; }

    /// <summary>Gets the counts of all registers combined into Qiskit-style keys (last register leftmost).</summary>
    public required Counts Counts { get; init; }

    /// <summary>Gets the number of shots run.</summary>
    public required int Shots { get; init; }

    /// <summary>Gets the seed used, when the backend honours one.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Gets the time the backend spent executing, when reported.</summary>
    public TimeSpan? ExecutionTime { get; init; }

    /// <summary>Gets the physical qubits used, when the circuit was laid out on a device.</summary>
    public IReadOnlyList<int>? PhysicalQubits { get; init; }
}

/// <summary>
/// A job running on a backend (a long-running operation): poll it with <see cref="UpdateStatusAsync"/>, wait for it
/// with <see cref="WaitForCompletionAsync"/>, or cancel it. Re-attach by <see cref="Id"/> through
/// <see cref="IQuantumBackend.AttachAsync"/>.
/// </summary>
public abstract class QuantumJobOperation
{
    /// <summary>Gets the backend's job id.</summary>
    public abstract string Id { get; }

    /// <summary>Gets the backend name.</summary>
    public abstract string BackendName { get; }

    /// <summary>Gets the last known status.</summary>
    public abstract QuantumJobStatus Status { get; }

    /// <summary>Gets a value indicating whether the job reached a terminal status.</summary>
    public bool HasCompleted => Status.IsTerminal;

    /// <summary>Asks the backend for the current status.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The status.</returns>
    public abstract Task<QuantumJobStatus> UpdateStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until the job finishes and returns its result.</summary>
    /// <param name="cancellationToken">Stops waiting (the job keeps running).</param>
    /// <returns>The result.</returns>
    /// <exception cref="QuantumLmException">The job failed (<see cref="QuantumLmErrorCodes.JobFailed"/>) or was cancelled (<see cref="QuantumLmErrorCodes.JobCancelled"/>).</exception>
    public abstract Task<QuantumJobResult> WaitForCompletionAsync(CancellationToken cancellationToken = default);

    /// <summary>Asks the backend to cancel the job.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the request was accepted.</returns>
    public abstract Task CancelAsync(CancellationToken cancellationToken = default);
}

/// <summary>Finds backends by name.</summary>
public interface IQuantumBackendProvider
{
    /// <summary>Gets the names of every configured backend.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The backends, <c>local</c> first.</returns>
    Task<IReadOnlyList<BackendStatus>> GetBackendsAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns the backend with the given name.</summary>
    /// <param name="name">The backend name.</param>
    /// <returns>The backend.</returns>
    /// <exception cref="QuantumLmException">No such backend (<see cref="QuantumLmErrorCodes.BackendNotFound"/>).</exception>
    IQuantumBackend GetBackend(string name);
}

/// <summary>
/// A backend that can find a job it accepted by one of the tags it was submitted with
/// (<see cref="QuantumJobOptions.Tags"/>), so a worker that restarted after the backend accepted a job, but before it
/// recorded the job's id, adopts the running job instead of submitting it a second time.
/// </summary>
public interface IQuantumJobLookup
{
    /// <summary>Finds the most recent job carrying <paramref name="tag"/>.</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job, or <see langword="null"/> when the backend has none with that tag.</returns>
    Task<QuantumJobOperation?> FindByTagAsync(string tag, CancellationToken cancellationToken = default);
}
