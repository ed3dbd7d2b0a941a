using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Ibm;

/// <summary>A backend as listed by <c>GET /backends</c>.</summary>
public sealed record IbmBackend
{
    /// <summary>Gets the backend name, for example <c>ibm_fez</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the status name: <c>online</c>, <c>paused</c> or <c>offline</c>.</summary>
    public required string StatusName { get; init; }

    /// <summary>Gets the status reason, for example <c>available</c> or <c>maintenance</c>.</summary>
    public string? StatusReason { get; init; }

    /// <summary>Gets a value indicating whether the backend is online.</summary>
    public bool IsOnline => string.Equals(StatusName, "online", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets a value indicating whether the backend is a simulator.</summary>
    public bool IsSimulator { get; init; }

    /// <summary>Gets the number of qubits, when reported.</summary>
    public int? QubitCount { get; init; }

    /// <summary>Gets the number of jobs in its queue, when reported.</summary>
    public int? QueueLength { get; init; }

    /// <summary>Gets the processor family, for example <c>Heron</c>.</summary>
    public string? ProcessorFamily { get; init; }

    /// <summary>Gets the processor revision, for example <c>2</c>.</summary>
    public string? ProcessorRevision { get; init; }

    /// <summary>Gets the CLOPS figure, when reported.</summary>
    public double? Clops { get; init; }
}

/// <summary>The live status of a backend (<c>GET /backends/{name}/status</c>).</summary>
/// <param name="Name">The backend name.</param>
/// <param name="IsOperational">Whether it accepts jobs (<c>state</c>).</param>
/// <param name="Status">The status, for example <c>active</c> or <c>maintenance</c>.</param>
/// <param name="Message">The status message.</param>
/// <param name="PendingJobs">The queue length.</param>
/// <param name="BackendVersion">The backend version, <c>0.0.0</c> when unreported.</param>
public sealed record IbmBackendStatus(string Name, bool IsOperational, string Status, string? Message, int PendingJobs, string BackendVersion);

/// <summary>A directed coupling between two physical qubits.</summary>
/// <param name="Control">The first qubit.</param>
/// <param name="Target">The second qubit.</param>
public readonly record struct IbmQubitPair(int Control, int Target);

/// <summary>A backend's configuration (<c>GET /backends/{name}/configuration</c>).</summary>
public sealed record IbmBackendConfiguration
{
    /// <summary>Gets the backend name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the backend version.</summary>
    public string? Version { get; init; }

    /// <summary>Gets the number of qubits.</summary>
    public required int QubitCount { get; init; }

    /// <summary>Gets the basis gates, for example <c>cz, id, rz, sx, x</c>.</summary>
    public IReadOnlyList<string> BasisGates { get; init; } = [];

    /// <summary>Gets the supported instructions (basis gates plus <c>measure</c>, <c>reset</c>, <c>delay</c>, control flow).</summary>
    public IReadOnlyList<string> SupportedInstructions { get; init; } = [];

    /// <summary>Gets the directed coupling map.</summary>
    public IReadOnlyList<IbmQubitPair> CouplingMap { get; init; } = [];

    /// <summary>Gets the most shots per PUB, when reported.</summary>
    public int? MaxShots { get; init; }

    /// <summary>Gets the most circuits per job, when reported.</summary>
    public int? MaxExperiments { get; init; }

    /// <summary>Gets a value indicating whether the backend is a simulator.</summary>
    public bool IsSimulator { get; init; }

    /// <summary>Gets the processor family, when reported.</summary>
    public string? ProcessorFamily { get; init; }

    /// <summary>Gets the processor revision, when reported.</summary>
    public string? ProcessorRevision { get; init; }
}

/// <summary>Calibration data of one qubit. Times are in microseconds (converted from the unit the service reports).</summary>
public sealed record IbmQubitProperties
{
    /// <summary>Gets the physical qubit index.</summary>
    public required int Qubit { get; init; }

    /// <summary>Gets T1 in microseconds.</summary>
    public double? T1Microseconds { get; init; }

    /// <summary>Gets T2 in microseconds.</summary>
    public double? T2Microseconds { get; init; }

    /// <summary>Gets the readout error.</summary>
    public double? ReadoutError { get; init; }

    /// <summary>Gets the probability of reading 0 after preparing 1.</summary>
    public double? ProbMeas0Prep1 { get; init; }

    /// <summary>Gets the probability of reading 1 after preparing 0.</summary>
    public double? ProbMeas1Prep0 { get; init; }

    /// <summary>Gets the readout length in microseconds.</summary>
    public double? ReadoutLengthMicroseconds { get; init; }
}

/// <summary>Calibration data of one gate on specific qubits.</summary>
public sealed record IbmGateProperties
{
    /// <summary>Gets the gate, for example <c>cz</c>.</summary>
    public required string Gate { get; init; }

    /// <summary>Gets the entry name, for example <c>cz72_73</c>.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the qubits the gate acts on.</summary>
    public IReadOnlyList<int> Qubits { get; init; } = [];

    /// <summary>Gets the gate error.</summary>
    public double? Error { get; init; }

    /// <summary>Gets the gate length in microseconds.</summary>
    public double? LengthMicroseconds { get; init; }
}

/// <summary>A backend's calibration data (<c>GET /backends/{name}/properties</c>).</summary>
public sealed record IbmBackendProperties
{
    /// <summary>Gets the backend name (the requested name).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the backend version.</summary>
    public string? Version { get; init; }

    /// <summary>Gets when the calibration was last updated.</summary>
    public DateTimeOffset? LastUpdate { get; init; }

    /// <summary>Gets the per-qubit data, indexed by physical qubit.</summary>
    public IReadOnlyList<IbmQubitProperties> Qubits { get; init; } = [];

    /// <summary>Gets the per-gate data.</summary>
    public IReadOnlyList<IbmGateProperties> Gates { get; init; } = [];
}

/// <summary>The instance's usage and limits (<c>GET /instances/usage</c>).</summary>
public sealed record IbmInstanceUsage
{
    /// <summary>Gets the instance id.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Gets the plan id.</summary>
    public string? PlanId { get; init; }

    /// <summary>Gets the seconds consumed in the current period.</summary>
    public double ConsumedSeconds { get; init; }

    /// <summary>Gets the seconds allocated, when reported.</summary>
    public double? AllocationSeconds { get; init; }

    /// <summary>Gets the usage limit in seconds, when reported.</summary>
    public double? LimitSeconds { get; init; }

    /// <summary>Gets the seconds left: max((limit or allocation) − consumed, 0), as the Python client computes it; null when neither is reported.</summary>
    public double? RemainingSeconds { get; init; }

    /// <summary>Gets a value indicating whether the limit was reached.</summary>
    public bool LimitReached { get; init; }

    /// <summary>Gets the start of the usage period.</summary>
    public DateTimeOffset? PeriodStart { get; init; }

    /// <summary>Gets the end of the usage period.</summary>
    public DateTimeOffset? PeriodEnd { get; init; }
}

/// <summary>A job as reported by <c>GET /jobs/{id}</c>.</summary>
public sealed record IbmJob
{
    /// <summary>Gets the job id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the backend name.</summary>
    public string? Backend { get; init; }

    /// <summary>Gets the status mapped to QuantumLM's statuses (<c>Cancelled</c> with reason code 1305, "ran too long", is <see cref="QuantumJobStatus.Failed"/>).</summary>
    public required QuantumJobStatus Status { get; init; }

    /// <summary>Gets the status string the service reported (<c>Queued</c>, <c>Running</c>, <c>Completed</c>, <c>Failed</c>, <c>Cancelled</c>, <c>Cancelled - Ran too long</c>, …).</summary>
    public required string ServiceStatus { get; init; }

    /// <summary>Gets the service's reason code, when reported.</summary>
    public int? ReasonCode { get; init; }

    /// <summary>Gets the service's reason text, when reported.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the program id, for example <c>sampler</c>.</summary>
    public string? ProgramId { get; init; }

    /// <summary>Gets when the job was created.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>Gets the job's tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Gets the session or batch id, when the job runs in one.</summary>
    public string? SessionId { get; init; }

    /// <summary>Gets the QPU seconds used, when reported.</summary>
    public double? UsageSeconds { get; init; }

    /// <summary>Gets the service's running-time estimate in seconds.</summary>
    public double? EstimatedRunningTimeSeconds { get; init; }

    /// <summary>Gets a value indicating whether the job is private (results readable once).</summary>
    public bool IsPrivate { get; init; }
}

/// <summary>A page of jobs (<c>GET /jobs</c>).</summary>
/// <param name="Jobs">The jobs of this page.</param>
/// <param name="TotalCount">The number of jobs matching the query, ignoring paging.</param>
/// <param name="Limit">The page size used.</param>
/// <param name="Offset">The offset of this page.</param>
public sealed record IbmJobPage(IReadOnlyList<IbmJob> Jobs, int TotalCount, int Limit, int Offset);

/// <summary>Filters and paging of <see cref="IbmRuntimeClient.GetJobsAsync"/>.</summary>
public sealed record IbmJobQuery
{
    /// <summary>Gets the page size (1–200).</summary>
    /// <value>The default is 20.</value>
    public int Limit { get; init; } = 20;

    /// <summary>Gets the number of jobs to skip.</summary>
    public int Offset { get; init; }

    /// <summary>Gets a filter on pending (<see langword="true"/>: queued or running) or finished jobs.</summary>
    public bool? Pending { get; init; }

    /// <summary>Gets a filter on the program id.</summary>
    public string? ProgramId { get; init; }

    /// <summary>Gets a filter on the backend.</summary>
    public string? Backend { get; init; }

    /// <summary>Gets a lower bound on the creation time.</summary>
    public DateTimeOffset? CreatedAfter { get; init; }

    /// <summary>Gets an upper bound on the creation time.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>Gets a value indicating whether the newest jobs come first.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool NewestFirst { get; init; } = true;

    /// <summary>Gets tags that every returned job must carry.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Gets a filter on the session id.</summary>
    public string? SessionId { get; init; }
}

/// <summary>Timestamps and usage of a job (<c>GET /jobs/{id}/metrics</c>).</summary>
public sealed record IbmJobMetrics
{
    /// <summary>Gets when the job was created.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>Gets when it started running.</summary>
    public DateTimeOffset? Running { get; init; }

    /// <summary>Gets when it finished.</summary>
    public DateTimeOffset? Finished { get; init; }

    /// <summary>Gets the usage seconds.</summary>
    public double? UsageSeconds { get; init; }

    /// <summary>Gets the quantum seconds.</summary>
    public double? QuantumSeconds { get; init; }

    /// <summary>Gets the QPU charge time in seconds (API ≥ 2026-04-15).</summary>
    public double? QpuChargeTimeSeconds { get; init; }

    /// <summary>Gets the usage status; <c>pending</c> means the figures are not final.</summary>
    public string? UsageStatus { get; init; }

    /// <summary>Gets the billed seconds.</summary>
    public double? BssSeconds { get; init; }

    /// <summary>Gets the Qiskit version that ran the job.</summary>
    public string? QiskitVersion { get; init; }

    /// <summary>Gets the estimated start time.</summary>
    public DateTimeOffset? EstimatedStartTime { get; init; }

    /// <summary>Gets the estimated completion time.</summary>
    public DateTimeOffset? EstimatedCompletionTime { get; init; }

    /// <summary>Gets the position in the queue.</summary>
    public int? PositionInQueue { get; init; }

    /// <summary>Gets the position in the provider's queue.</summary>
    public int? PositionInProvider { get; init; }
}

/// <summary>The execution mode of a session.</summary>
public enum IbmSessionMode
{
    /// <summary>A dedicated session: the jobs run back to back with exclusive access.</summary>
    Dedicated = 1,

    /// <summary>Batch mode: the jobs are scheduled together without exclusive access.</summary>
    Batch = 2,
}

/// <summary>A session or batch (<c>GET /sessions/{id}</c>).</summary>
public sealed record IbmSession
{
    /// <summary>Gets the session id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the backend name.</summary>
    public string? BackendName { get; init; }

    /// <summary>Gets the state: <c>open</c>, <c>active</c>, <c>inactive</c>, <c>closed</c>, …</summary>
    public string? State { get; init; }

    /// <summary>Gets the reason of the state.</summary>
    public string? StateReason { get; init; }

    /// <summary>Gets a value indicating whether the session accepts new jobs.</summary>
    public bool? AcceptingJobs { get; init; }

    /// <summary>Gets the mode, <c>dedicated</c> or <c>batch</c>.</summary>
    public string? Mode { get; init; }

    /// <summary>Gets the maximum time to live.</summary>
    public TimeSpan? MaxTtl { get; init; }

    /// <summary>Gets the interactive time to live.</summary>
    public TimeSpan? InteractiveTtl { get; init; }

    /// <summary>Gets the active time to live.</summary>
    public TimeSpan? ActiveTtl { get; init; }

    /// <summary>Gets when the session started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the session became active.</summary>
    public DateTimeOffset? ActivatedAt { get; init; }

    /// <summary>Gets when the session closed.</summary>
    public DateTimeOffset? ClosedAt { get; init; }
}

/// <summary>One primitive unified bloc of a SamplerV2 job: an ISA OpenQASM 3 circuit, its parameter values and shots.</summary>
public sealed record IbmSamplerPub
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="circuit">OpenQASM 3 text, already in the backend's instruction set (ISA).</param>
    /// <param name="shots">The shots, or <see langword="null"/> for the job's default.</param>
    public IbmSamplerPub(string circuit, int? shots = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(circuit);
        if (shots is int s)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(s, nameof(shots));
        }

        Circuit = circuit;
        Shots = shots;
    }

    /// <summary>Gets the OpenQASM 3 text.</summary>
    public string Circuit { get; }

    /// <summary>Gets the shots, or <see langword="null"/> for the job's default.</summary>
    public int? Shots { get; }

    /// <summary>Gets positional parameter values (one binding), or <see langword="null"/>.</summary>
    public IReadOnlyList<double>? ParameterValues { get; init; }

    /// <summary>Gets parameter values by name (one binding), or <see langword="null"/>. Exclusive with <see cref="ParameterValues"/>.</summary>
    public IReadOnlyDictionary<string, double>? NamedParameterValues { get; init; }

    /// <summary>Gets the classical registers of the circuit, used to check the result; optional.</summary>
    public IReadOnlyList<ClassicalRegister>? ClassicalRegisters { get; init; }
}

/// <summary>A SamplerV2 job to submit with <see cref="IbmRuntimeClient.StartJobAsync"/>.</summary>
public sealed record IbmSamplerJobRequest
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="backend">The backend name, for example <c>ibm_fez</c>.</param>
    /// <param name="pubs">The PUBs (at least one).</param>
    public IbmSamplerJobRequest(string backend, IReadOnlyList<IbmSamplerPub> pubs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backend);
        ArgumentNullException.ThrowIfNull(pubs);
        if (pubs.Count == 0)
        {
            throw new ArgumentException("A job needs at least one PUB.", nameof(pubs));
        }

        Backend = backend;
        Pubs = pubs;
    }

    /// <summary>Gets the backend name.</summary>
    public string Backend { get; }

    /// <summary>Gets the PUBs.</summary>
    public IReadOnlyList<IbmSamplerPub> Pubs { get; }

    /// <summary>Gets the default shots of PUBs that set none (<c>params.shots</c>).</summary>
    public int? DefaultShots { get; init; }

    /// <summary>Gets tags recorded with the job (a unique client tag is always added).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Gets the session or batch to run in.</summary>
    public string? SessionId { get; init; }

    /// <summary>Gets the maximum execution time (<c>cost</c>, up to 3 h).</summary>
    public TimeSpan? MaxExecutionTime { get; init; }

    /// <summary>Gets a value indicating whether the job is private (inputs not returned; results readable once).</summary>
    public bool IsPrivate { get; init; }

    /// <summary>Gets the result encoding wish, overriding <see cref="IbmRuntimeOptions.SupportQiskit"/> when set.</summary>
    public bool? SupportQiskit { get; init; }
}
