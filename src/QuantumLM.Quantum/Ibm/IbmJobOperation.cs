using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Ibm.Internal;

namespace QuantumLM.Quantum.Ibm;

/// <summary>
/// A SamplerV2 job on IBM Quantum Runtime as a long-running operation: poll it with <see cref="UpdateStatusAsync"/>, wait
/// for it with <see cref="WaitForCompletionAsync"/> (the poll interval grows from <see cref="IbmRuntimeOptions.PollInterval"/>
/// to <see cref="IbmRuntimeOptions.MaxPollInterval"/>), read its result, or cancel it. Re-attach to a job submitted
/// earlier with <see cref="IbmJobOperation(IbmRuntimeClient, string)"/> or <see cref="IbmRuntimeClient.GetJobOperationAsync"/>.
/// </summary>
public sealed class IbmJobOperation : QuantumJobOperation
{
    private readonly IbmRuntimeClient _client;
    private readonly IReadOnlyList<ClassicalRegister>? _registers;
    private readonly object _gate = new();
    private IbmJob? _job;
    private QuantumJobStatus _status;
    private string _backend;
    private IbmSamplerResult? _result;

    /// <summary>Re-attaches to a job by id. Nothing is requested until the operation is used.</summary>
    /// <param name="client">The client.</param>
    /// <param name="jobId">The job id.</param>
    public IbmJobOperation(IbmRuntimeClient client, string jobId)
        : this(client, jobId, string.Empty, null, null)
    {
    }

    internal IbmJobOperation(IbmRuntimeClient client, string jobId, string backend, IbmJob? job, IReadOnlyList<ClassicalRegister>? registers)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        _client = client;
        Id = jobId;
        _backend = backend;
        _registers = registers;
        _job = job;
        _status = job?.Status ?? QuantumJobStatus.Queued;
    }

    /// <inheritdoc />
    public override string Id { get; }

    /// <inheritdoc />
    public override string BackendName
    {
        get
        {
            lock (_gate)
            {
                return _backend;
            }
        }
    }

    /// <inheritdoc />
    public override QuantumJobStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>Gets the job as last read from the service, or <see langword="null"/> before the first read.</summary>
    public IbmJob? Job
    {
        get
        {
            lock (_gate)
            {
                return _job;
            }
        }
    }

    /// <inheritdoc />
    public override async Task<QuantumJobStatus> UpdateStatusAsync(CancellationToken cancellationToken = default)
    {
        IbmJob job = await _client.GetJobAsync(Id, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _job = job;
            _status = job.Status;
            if (!string.IsNullOrEmpty(job.Backend))
            {
                _backend = job.Backend;
            }
        }

        return job.Status;
    }

    /// <summary>Waits until the job is final, polling with a growing interval, and returns the final job.</summary>
    /// <param name="cancellationToken">Stops waiting (the job keeps running).</param>
    /// <returns>The job in its final state (completed, failed or cancelled).</returns>
    /// <exception cref="IbmRuntimeException">Polling failed with a non-transient error, or retries were exhausted.</exception>
    public async Task<IbmJob> WaitForFinalStateAsync(CancellationToken cancellationToken = default)
    {
        IbmRuntimeOptions o = _client.Options;
        TimeSpan interval = o.PollInterval;
        while (true)
        {
            QuantumJobStatus status = await UpdateStatusAsync(cancellationToken).ConfigureAwait(false);
            IbmJob job = Job!;
            string statusText = status.ToString();
            if (status.IsTerminal)
            {
                _client.Logger.IbmJobFinished(Id, statusText, job.ServiceStatus, job.ReasonCode);
                return job;
            }

            _client.Logger.IbmJobPolled(Id, statusText, job.ServiceStatus, interval.TotalMilliseconds);
            await Task.Delay(interval, _client.Time, cancellationToken).ConfigureAwait(false);
            interval = NextPollInterval(interval, o.MaxPollInterval);
        }
    }

    /// <inheritdoc />
    /// <exception cref="IbmJobException">The job failed (<c>job_failed</c>, including reason code 1305 "ran too long") or was cancelled (<c>job_cancelled</c>).</exception>
    public override async Task<QuantumJobResult> WaitForCompletionAsync(CancellationToken cancellationToken = default)
    {
        IbmJob job = await WaitForFinalStateAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfUnsuccessful(job);
        IbmSamplerResult result = await GetResultAsync(cancellationToken).ConfigureAwait(false);
        IbmSamplerPubResult pub = result.PubResults.Count > 0
            ? result.PubResults[0]
            : throw new IbmRuntimeException(QuantumLmErrorCodes.ServiceError, $"IBM Runtime job {Id} completed with no PUB result");
        CheckRegisters(pub);
        return new QuantumJobResult
        {
            RegisterCounts = pub.RegisterCounts,
            Counts = pub.Counts,
            Shots = pub.Shots,
            ExecutionTime = job.UsageSeconds is double s ? TimeSpan.FromSeconds(s) : null,
        };
    }

    /// <summary>Fetches and decodes the job's result (both encodings). Call it once the job completed.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The result of every PUB.</returns>
    /// <exception cref="IbmRuntimeException">The result is not available or cannot be decoded.</exception>
    public async Task<IbmSamplerResult> GetResultAsync(CancellationToken cancellationToken = default)
    {
        IbmSamplerResult? cached = Volatile.Read(ref _result);
        if (cached is not null)
        {
            return cached;
        }

        IbmSamplerResult result = await _client.GetJobResultAsync(Id, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _result, result);
        return result;
    }

    /// <inheritdoc />
    public override Task CancelAsync(CancellationToken cancellationToken = default) => _client.CancelJobAsync(Id, cancellationToken);

    /// <summary>The next poll interval: double the current one, capped.</summary>
    internal static TimeSpan NextPollInterval(TimeSpan current, TimeSpan cap)
    {
        TimeSpan next = current + current;
        return next > cap ? cap : next;
    }

    private void ThrowIfUnsuccessful(IbmJob job)
    {
        if (job.Status == QuantumJobStatus.Completed)
        {
            return;
        }

        string why = job.ReasonCode is int code ? $"error code {code}; {job.Reason ?? "no reason given"}" : job.Reason ?? "no reason given";
        if (job.Status == QuantumJobStatus.Cancelled)
        {
            throw new IbmJobException(QuantumLmErrorCodes.JobCancelled, $"IBM Runtime job {Id} on {BackendName} was cancelled ({job.ServiceStatus}; {why})", Id, job.ServiceStatus, job.ReasonCode, job.Reason);
        }

        string tooLong = job.ReasonCode == IbmMapping.RanTooLongReasonCode ? " because it ran longer than its maximum execution time" : string.Empty;
        throw new IbmJobException(QuantumLmErrorCodes.JobFailed, $"IBM Runtime job {Id} on {BackendName} failed{tooLong} ({job.ServiceStatus}; {why})", Id, job.ServiceStatus, job.ReasonCode, job.Reason);
    }

    private void CheckRegisters(IbmSamplerPubResult pub)
    {
        if (_registers is null)
        {
            return;
        }

        foreach (ClassicalRegister r in _registers)
        {
            if (!pub.RegisterCounts.TryGetValue(r.Name, out Counts? c) || c.Width != r.Width)
            {
                throw new IbmRuntimeException(
                    QuantumLmErrorCodes.ServiceError,
                    $"IBM Runtime job {Id}: the result has registers [{string.Join(", ", pub.RegisterNames.Select(n => $"{n}[{pub.RegisterCounts[n].Width}]"))}] but the circuit declares {r.Name}[{r.Width}]");
            }
        }
    }
}
