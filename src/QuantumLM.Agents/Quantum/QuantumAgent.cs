using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Agents;

/// <summary>
/// Runs circuits and scores counts.
/// <list type="bullet">
/// <item><c>quantum:execute</c> <c>{job_id?, circuit, shots, backend?, seed?, ideal?}</c>: backend by name → counts (Qiskit
/// keys) → metrics (§5.6) against the given ideal or the noiseless simulation of the same circuit → the
/// <c>quantum_jobs</c> row. With <c>job_id</c> the row created by the caller is updated; without it the agent creates one
/// (id = the task id) for the task's user and session. The backend job id is recorded before waiting, so a restarted
/// worker re-attaches to the running job instead of resubmitting it. The completed row and the
/// <c>quantum_counts</c>/<c>quantum_metrics</c> events are written with the task's completion, in one transaction.</item>
/// <item><c>quantum:metrics</c> <c>{counts, ideal?, width?}</c>: the metrics of supplied counts.</item>
/// </list>
/// Invalid payloads and circuits fail permanently (and mark the job failed); transient backend failures are retried.
/// </summary>
public sealed partial class QuantumAgent : IAgent
{
    /// <summary>The longest circuit accepted, in characters (the <c>quantum_jobs.circuit_qasm</c> limit).</summary>
    public const int MaxCircuitLength = 1_000_000;

    /// <summary>The most shots accepted.</summary>
    public const int MaxShots = 10_000_000;

    /// <summary>The shots used when the payload names none.</summary>
    public const int DefaultShots = 1024;

    private readonly IQuantumBackendProvider _backends;
    private readonly IQuantumCircuitFactory _circuits;
    private readonly ITensorMetricsCalculator _metrics;
    private readonly ITensorMetricsSerializer _metricsJson;
    private readonly IQuantumJobRecorder _jobs;
    private readonly IIdealDistributionProvider? _ideal;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="backends">Finds backends by name.</param>
    /// <param name="circuits">Parses OpenQASM.</param>
    /// <param name="metrics">Computes the metrics.</param>
    /// <param name="metricsJson">Writes the metrics as the §5.6 object.</param>
    /// <param name="jobs">Records the job row's life cycle.</param>
    /// <param name="idealProviders">The noiseless reference, when one is registered.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    public QuantumAgent(
        IQuantumBackendProvider backends,
        IQuantumCircuitFactory circuits,
        ITensorMetricsCalculator metrics,
        ITensorMetricsSerializer metricsJson,
        IQuantumJobRecorder jobs,
        IEnumerable<IIdealDistributionProvider> idealProviders,
        TimeProvider? timeProvider = null,
        ILogger<QuantumAgent>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(backends);
        ArgumentNullException.ThrowIfNull(circuits);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(metricsJson);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(idealProviders);
        _backends = backends;
        _circuits = circuits;
        _metrics = metrics;
        _metricsJson = metricsJson;
        _jobs = jobs;
        _ideal = idealProviders.LastOrDefault();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string AgentType => "quantum";

    /// <inheritdoc />
    public IReadOnlyCollection<string> TaskTypes { get; } = [TaskType.QuantumExecute, TaskType.QuantumMetrics];

    /// <inheritdoc />
    public Task<JsonElement> ExecuteAsync(AgentTask task, AgentContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(context);
        return task.TaskType.Action switch
        {
            "execute" => ExecuteCircuitAsync(task, context, cancellationToken),
            "metrics" => Task.FromResult(ComputeMetrics(task, context)),
            _ => throw new QuantumLmException(QuantumLmErrorCodes.UnknownTaskType, $"the quantum agent does not handle \"{task.TaskType}\""),
        };
    }

    private async Task<JsonElement> ExecuteCircuitAsync(AgentTask task, AgentContext context, CancellationToken cancellationToken)
    {
        JsonElement payload = PayloadReader.RequireObject(task.Payload);
        Guid? givenJobId = PayloadReader.OptionalGuid(payload, "job_id");
        if (task.CreatedBy is not UserId user)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, "the task has no user: a quantum job belongs to the user who queued it");
        }

        var jobId = new JobId(givenJobId ?? task.Id.Value);

        // Ownership first: a job of another user is never touched, not even marked failed.
        QuantumJobState? state = await _jobs.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (state is not null && state.UserId != user)
        {
            throw PayloadReader.Invalid("job_id", $"quantum job {jobId} belongs to another user");
        }

        var job = new JobHandle(jobId, state);
        try
        {
            return await RunJobAsync(task, context, payload, user, job, givenJobId is not null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (job.State is not null && ex is not OperationCanceledException && (!AgentWorker.IsTransient(ex) || context.Attempt >= task.MaxAttempts))
        {
            // The task will be dead-lettered: the job row says why, so the job endpoint shows it.
            string error = AgentWorker.Describe(ex);
            try
            {
                await _jobs.MarkFailedAsync(jobId, error, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception recordEx) when (recordEx is not OperationCanceledException)
            {
                LogRecordFailed(_logger, recordEx, jobId.Value);
            }

            throw;
        }
    }

    private async Task<JsonElement> RunJobAsync(AgentTask task, AgentContext context, JsonElement payload, UserId user, JobHandle job, bool callerCreated, CancellationToken cancellationToken)
    {
        JobId jobId = job.Id;
        string source = PayloadReader.RequireString(payload, "circuit", MaxCircuitLength);
        int shots = (int)(PayloadReader.OptionalLong(payload, "shots", 1, MaxShots) ?? DefaultShots);
        string backendName = PayloadReader.OptionalString(payload, "backend", 100) ?? "local";
        long? seed = PayloadReader.OptionalLong(payload, "seed", long.MinValue, long.MaxValue);
        QuantumCircuit circuit;
        try
        {
            circuit = _circuits.Create(source);
        }
        catch (QuantumLmException ex) when (!ex.IsTransient)
        {
            throw new QuantumLmException(ex.ErrorCode, $"circuit: {ex.Message}", false, ex);
        }

        if (circuit.ClbitCount == 0)
        {
            throw PayloadReader.Invalid("circuit", "measures nothing (no classical bits), so there are no counts; add a creg and measurements");
        }

        ProbabilityDistribution? givenIdeal = ReadIdeal(payload, "ideal", circuit.ClbitCount);
        IQuantumBackend backend = _backends.GetBackend(backendName);

        job.State ??= await _jobs.CreateAsync(new QuantumJobRegistration
        {
            JobId = jobId,
            UserId = user,
            SessionId = task.SessionId,
            TaskId = task.Id,
            Backend = backend.Name,
            CircuitQasm = source,
            Shots = shots,
            Seed = seed,
            NumQubits = circuit.QubitCount > 0 ? circuit.QubitCount : null,
        }, cancellationToken).ConfigureAwait(false);
        QuantumJobState state = job.State;
        if (state.UserId != user)
        {
            throw PayloadReader.Invalid("job_id", $"quantum job {jobId} belongs to another user");
        }

        if (state.IsFinished)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.Conflict, $"quantum job {jobId} is already {state.Status}; it is not run again");
        }

        long started = _time.GetTimestamp();
        (QuantumJobOperation operation, bool reattached) = await StartOrAttachAsync(backend, circuit, shots, seed, state, task, cancellationToken).ConfigureAwait(false);
        await _jobs.MarkRunningAsync(jobId, backend.Name, operation.Id, task.Id, cancellationToken).ConfigureAwait(false);
        await PublishAsync(context, task, reattached ? "quantum_job_reattached" : "quantum_job_submitted", AgentEventLevel.Info,
            $"{(reattached ? "re-attached to" : "submitted")} job {operation.Id} on {backend.Name} ({shots} shots)",
            new JsonObject { ["job_id"] = jobId.ToString(), ["backend"] = backend.Name, ["backend_job_id"] = operation.Id, ["shots"] = shots }, cancellationToken).ConfigureAwait(false);

        // On cancellation (shutdown, lost lease) the backend job is left running: the next attempt re-attaches to it.
        QuantumJobResult result = await operation.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
        TimeSpan wall = _time.GetElapsedTime(started);

        JsonObject counts = CountsJson(result.Counts, circuit.ClassicalRegisters);
        ProbabilityDistribution? ideal = givenIdeal ?? _ideal?.GetIdealDistribution(circuit, cancellationToken);
        string idealSource = givenIdeal is not null ? IdealSources.Distribution : ideal is not null ? IdealSources.Statevector : IdealSources.None;
        TensorMetrics metrics = _metrics.Compute(result.Counts, ideal, new TensorMetricsOptions { IdealSource = idealSource });
        JsonElement metricsJson = _metricsJson.Serialize(metrics);
        JsonElement countsJson = AgentJson.ToElement(counts);

        context.Outputs.CompleteQuantumJob(new QuantumJobCompletion
        {
            JobId = jobId,
            Backend = backend.Name,
            BackendJobId = operation.Id,
            Counts = countsJson,
            Metrics = metricsJson,
            ExecutionTime = result.ExecutionTime,
        });
        if (task.SessionId is SessionId session)
        {
            context.Outputs.AddEvent(new NewAgentEvent
            {
                SessionId = session, AgentType = AgentType, EventType = "quantum_counts", TaskId = task.Id,
                Message = $"job {jobId}: {result.Counts.Count} distinct outcomes in {result.Shots} shots",
                Data = AgentJson.ToElement(new JsonObject { ["job_id"] = jobId.ToString(), ["counts"] = counts.DeepClone() }),
            });
            context.Outputs.AddEvent(new NewAgentEvent
            {
                SessionId = session, AgentType = AgentType, EventType = "quantum_metrics", TaskId = task.Id,
                Message = $"job {jobId}: Λ = {Format(metrics.Lambda)}, Φ = {Format(metrics.Phi)} (ideal: {idealSource})",
                Data = AgentJson.ToElement(new JsonObject { ["job_id"] = jobId.ToString(), ["metrics"] = JsonNode.Parse(metricsJson.GetRawText()) }),
            });
        }

        return AgentJson.ToElement(new JsonObject
        {
            ["job_id"] = jobId.ToString(),
            ["job_created_by_caller"] = callerCreated,
            ["status"] = "completed",
            ["backend"] = backend.Name,
            ["backend_job_id"] = operation.Id,
            ["reattached"] = reattached,
            ["shots"] = result.Shots,
            ["seed"] = seed,
            ["num_qubits"] = circuit.QubitCount,
            ["num_clbits"] = circuit.ClbitCount,
            ["counts"] = counts,
            ["metrics"] = JsonNode.Parse(metricsJson.GetRawText()),
            ["timings"] = new JsonObject
            {
                ["wall_ms"] = Math.Round(wall.TotalMilliseconds, 3),
                ["execution_ms"] = result.ExecutionTime is TimeSpan e ? Math.Round(e.TotalMilliseconds, 3) : null,
            },
        });
    }

    private async Task<(QuantumJobOperation Operation, bool Reattached)> StartOrAttachAsync(IQuantumBackend backend, QuantumCircuit circuit, int shots, long? seed, QuantumJobState state, AgentTask task, CancellationToken cancellationToken)
    {
        if (state.BackendJobId is string backendJobId && string.Equals(state.Backend, backend.Name, StringComparison.Ordinal))
        {
            try
            {
                QuantumJobOperation attached = await backend.AttachAsync(backendJobId, cancellationToken).ConfigureAwait(false);
                LogReattached(_logger, state.JobId.Value, backendJobId, backend.Name);
                return (attached, true);
            }
            catch (QuantumLmException ex) when (ex.ErrorCode == QuantumLmErrorCodes.NotFound)
            {
                // The backend no longer knows the job (the local simulator keeps jobs in memory only): run it again.
                LogResubmitting(_logger, state.JobId.Value, backendJobId, backend.Name);
            }
        }

        string jobTag = $"quantumlm-job:{state.JobId}";
        if (task.Attempts > 1 && backend is IQuantumJobLookup lookup
            && await lookup.FindByTagAsync(jobTag, cancellationToken).ConfigureAwait(false) is { } adopted)
        {
            // An earlier attempt's worker died after the backend accepted the job but before it recorded the id.
            LogReattached(_logger, state.JobId.Value, adopted.Id, backend.Name);
            return (adopted, true);
        }

        var options = new QuantumJobOptions
        {
            Shots = shots,
            Seed = seed is long s ? unchecked((ulong)s) : null,
            Tags = [$"quantumlm-task:{task.Id}", jobTag],
        };
        return (await backend.SubmitAsync(circuit, options, cancellationToken).ConfigureAwait(false), false);
    }

    private JsonElement ComputeMetrics(AgentTask task, AgentContext context)
    {
        JsonElement payload = PayloadReader.RequireObject(task.Payload);
        int? width = (int?)PayloadReader.OptionalLong(payload, "width", 1, BitKey.MaxWidth);
        List<KeyValuePair<string, double>> raw = PayloadReader.OptionalNumberMap(payload, "counts") ?? throw PayloadReader.Invalid("counts", "is required (an object of bitstring → count)");
        Counts counts;
        try
        {
            counts = Counts.CreateFromNumbers(raw, width);
        }
        catch (CountsValidationException ex)
        {
            throw new QuantumLmException(ex.ErrorCode, $"counts: {ex.Message}", false, ex);
        }

        if (counts.IsEmpty)
        {
            throw PayloadReader.Invalid("counts", "has no shots");
        }

        ProbabilityDistribution? ideal = ReadIdeal(payload, "ideal", counts.Width);
        TensorMetrics metrics;
        try
        {
            metrics = _metrics.Compute(counts, ideal, new TensorMetricsOptions { IdealSource = ideal is null ? IdealSources.None : IdealSources.Distribution });
        }
        catch (CountsValidationException ex)
        {
            throw new QuantumLmException(ex.ErrorCode, $"ideal: {ex.Message}", false, ex);
        }

        JsonElement metricsJson = _metricsJson.Serialize(metrics);
        if (task.SessionId is SessionId session)
        {
            context.Outputs.AddEvent(new NewAgentEvent
            {
                SessionId = session, AgentType = AgentType, EventType = "quantum_metrics", TaskId = task.Id,
                Message = $"metrics of {counts.Shots} shots: Λ = {Format(metrics.Lambda)}, Φ = {Format(metrics.Phi)}",
                Data = AgentJson.ToElement(new JsonObject { ["metrics"] = JsonNode.Parse(metricsJson.GetRawText()) }),
            });
        }

        return AgentJson.ToElement(new JsonObject { ["metrics"] = JsonNode.Parse(metricsJson.GetRawText()) });
    }

    private static ProbabilityDistribution? ReadIdeal(JsonElement payload, string field, int width)
    {
        List<KeyValuePair<string, double>>? raw = PayloadReader.OptionalNumberMap(payload, field);
        if (raw is null)
        {
            return null;
        }

        try
        {
            return ProbabilityDistribution.Create(raw, width);
        }
        catch (CountsValidationException ex)
        {
            throw new QuantumLmException(ex.ErrorCode, $"{field}: {ex.Message}", false, ex);
        }
    }

    /// <summary>Counts keyed as Qiskit does: within a register the highest bit leftmost; registers joined by one space, the last declared leftmost.</summary>
    internal static JsonObject CountsJson(Counts counts, IReadOnlyList<ClassicalRegister> registers)
    {
        var json = new JsonObject();
        foreach ((string key, long count) in counts.Entries)
        {
            json[QiskitKey(key, registers)] = count;
        }

        return json;
    }

    internal static string QiskitKey(string combined, IReadOnlyList<ClassicalRegister> registers)
    {
        if (registers.Count <= 1)
        {
            return combined;
        }

        var parts = new List<string>(registers.Count);
        int position = 0;
        for (int r = registers.Count - 1; r >= 0; r--)
        {
            parts.Add(combined.Substring(position, registers[r].Width));
            position += registers[r].Width;
        }

        return string.Join(' ', parts);
    }

    private static async Task PublishAsync(AgentContext context, AgentTask task, string eventType, AgentEventLevel level, string message, JsonObject data, CancellationToken cancellationToken)
    {
        if (task.SessionId is SessionId session)
        {
            await context.Events.PublishAsync(
                new NewAgentEvent { SessionId = session, AgentType = task.TaskType.Agent, EventType = eventType, Level = level, TaskId = task.Id, Message = message, Data = AgentJson.ToElement(data) },
                cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Format(double? value) => value is double v ? v.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture) : "null";

    /// <summary>The job a task works on, and its row once known to exist (and to belong to the task's user).</summary>
    private sealed class JobHandle(JobId id, QuantumJobState? state)
    {
        public JobId Id { get; } = id;

        public QuantumJobState? State { get; set; } = state;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Quantum job {JobId}: re-attached to backend job {BackendJobId} on {Backend}")]
    private static partial void LogReattached(ILogger logger, Guid jobId, string backendJobId, string backend);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Quantum job {JobId}: backend job {BackendJobId} is unknown to {Backend}; submitting again")]
    private static partial void LogResubmitting(ILogger logger, Guid jobId, string backendJobId, string backend);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Error, Message = "Quantum job {JobId}: the failure could not be recorded")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, Guid jobId);
}
