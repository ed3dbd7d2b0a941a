using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using QuantumLM.Abstractions;
using QuantumLM.Quantum.Ibm.Internal;
using QuantumLM.Quantum.Ibm.Results;
using Refit;

namespace QuantumLM.Quantum.Ibm;

/// <summary>
/// The IBM Quantum Runtime service client: backends, usage, SamplerV2 jobs (as <see cref="IbmJobOperation"/>s), results in
/// both encodings, and sessions. Thread-safe; obtain it from DI after <c>services.AddIbmQuantumRuntime(…)</c>.
/// Idempotent calls are retried on transient failures; a job submission never runs twice (ibm-runtime.md §5).
/// </summary>
public class IbmRuntimeClient
{
    private readonly IIbmRuntimeApi _api = null!;
    private readonly IOptions<IbmRuntimeOptions> _options = null!;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly ConcurrentDictionary<string, IbmBackendConfiguration> _configurations = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance for mocking.</summary>
    protected IbmRuntimeClient()
    {
    }

    internal IbmRuntimeClient(IIbmRuntimeApi api, IOptions<IbmRuntimeOptions> options, TimeProvider timeProvider, ILogger<IbmRuntimeClient> logger)
    {
        _api = api;
        _options = options;
        _time = timeProvider;
        _logger = logger;
    }

    internal IbmRuntimeOptions Options => _options.Value;

    internal TimeProvider Time => _time;

    internal ILogger Logger => _logger;

    /// <summary>Lists the API versions the service supports (<c>GET /versions</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The versions.</returns>
    /// <exception cref="IbmRuntimeException">The service answered with an error or could not be reached.</exception>
    public virtual async Task<IReadOnlyList<string>> GetVersionsAsync(CancellationToken cancellationToken = default) =>
        (await CallAsync("GET /versions", static (api, ct) => api.GetVersionsAsync(ct), cancellationToken).ConfigureAwait(false)).Versions ?? [];

    /// <summary>Lists the backends the instance can use (<c>GET /backends</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The backends.</returns>
    /// <exception cref="IbmRuntimeException">The service answered with an error or could not be reached.</exception>
    public virtual async Task<IReadOnlyList<IbmBackend>> GetBackendsAsync(CancellationToken cancellationToken = default)
    {
        BackendsDto dto = await CallAsync("GET /backends", static (api, ct) => api.GetBackendsAsync(null, ct), cancellationToken).ConfigureAwait(false);
        return [.. (dto.Devices ?? []).Select(IbmMapping.ToBackend)];
    }

    /// <summary>Reads a backend's live status (<c>GET /backends/{name}/status</c>).</summary>
    /// <param name="backendName">The backend name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The status.</returns>
    /// <exception cref="IbmRuntimeException">No such backend (<c>not_found</c>) or a service failure.</exception>
    public virtual async Task<IbmBackendStatus> GetBackendStatusAsync(string backendName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendName);
        BackendStatusDto s = await CallAsync($"GET /backends/{backendName}/status", (api, ct) => api.GetBackendStatusAsync(backendName, ct), cancellationToken).ConfigureAwait(false);
        return new IbmBackendStatus(backendName, s.State ?? false, s.Status ?? "unknown", s.Message, Math.Max(s.LengthQueue ?? 0, 0), string.IsNullOrEmpty(s.BackendVersion) ? "0.0.0" : s.BackendVersion);
    }

    /// <summary>Reads a backend's configuration (<c>GET /backends/{name}/configuration</c>).</summary>
    /// <param name="backendName">The backend name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="IbmRuntimeException">No such backend (<c>not_found</c>) or a service failure.</exception>
    public virtual async Task<IbmBackendConfiguration> GetBackendConfigurationAsync(string backendName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendName);
        var json = await CallAsync($"GET /backends/{backendName}/configuration", (api, ct) => api.GetBackendConfigurationAsync(backendName, ct), cancellationToken).ConfigureAwait(false);
        IbmBackendConfiguration config = IbmMapping.ToConfiguration(backendName, json);
        _configurations[backendName] = config;
        return config;
    }

    /// <summary>Reads a backend's calibration data (<c>GET /backends/{name}/properties</c>).</summary>
    /// <param name="backendName">The backend name.</param>
    /// <param name="updatedBefore">Asks for the calibration in force at this time, or <see langword="null"/> for the latest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The properties.</returns>
    /// <exception cref="IbmRuntimeException">No such backend (<c>not_found</c>) or a service failure.</exception>
    public virtual async Task<IbmBackendProperties> GetBackendPropertiesAsync(string backendName, DateTimeOffset? updatedBefore = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendName);
        string? before = updatedBefore is { } u ? IbmMapping.Iso(u) : null;
        var json = await CallAsync($"GET /backends/{backendName}/properties", (api, ct) => api.GetBackendPropertiesAsync(backendName, before, ct), cancellationToken).ConfigureAwait(false);
        return IbmMapping.ToProperties(backendName, json);
    }

    /// <summary>Reads the instance's usage and limits (<c>GET /instances/usage</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The usage.</returns>
    /// <exception cref="IbmRuntimeException">The service answered with an error or could not be reached.</exception>
    public virtual async Task<IbmInstanceUsage> GetUsageAsync(CancellationToken cancellationToken = default) =>
        IbmMapping.ToUsage(await CallAsync("GET /instances/usage", static (api, ct) => api.GetUsageAsync(ct), cancellationToken).ConfigureAwait(false));

    /// <summary>Returns a backend that runs circuits through this client.</summary>
    /// <param name="backendName">The backend name, for example <c>ibm_fez</c>.</param>
    /// <returns>The backend (nothing is requested until it is used).</returns>
    public virtual IbmRuntimeBackend GetBackend(string backendName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendName);
        return new IbmRuntimeBackend(this, backendName);
    }

    /// <summary>
    /// Submits a SamplerV2 job (<c>POST /jobs</c>) and returns its operation. The submission carries a unique client tag; when
    /// its outcome is unknown (a dropped connection, a timeout or a 5xx after sending), the client looks the job up by that tag
    /// and adopts it if it exists, and resubmits only if it does not — so a job never runs twice because of a retry.
    /// </summary>
    /// <param name="request">The job.</param>
    /// <param name="cancellationToken">Cancels the submission.</param>
    /// <returns>The operation of the created job.</returns>
    /// <exception cref="IbmRuntimeException">The service refused the job or could not be reached.</exception>
    public virtual async Task<IbmJobOperation> StartJobAsync(IbmSamplerJobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        IbmRuntimeOptions o = Options;
        string clientTag = "qlm-submit-" + Guid.NewGuid().ToString("N");
        var tags = new List<string>(request.Tags) { clientTag };
        var body = new CreateJobRequestDto
        {
            ProgramId = o.SamplerProgramId,
            Backend = request.Backend,
            Params = new SamplerParamsDto
            {
                Pubs = [.. request.Pubs.Select(static p => new PubDto { Circuit = p.Circuit, Values = p.ParameterValues, NamedValues = p.NamedParameterValues, Shots = p.Shots })],
                SupportQiskit = request.SupportQiskit ?? o.SupportQiskit,
                Shots = request.DefaultShots,
            },
            Tags = tags,
            SessionId = request.SessionId,
            Cost = request.MaxExecutionTime is { } t ? (int)Math.Ceiling(t.TotalSeconds) : null,
            Private = request.IsPrivate ? true : null,
        };
        var registers = request.Pubs[0].ClassicalRegisters;

        using Activity? activity = QuantumTelemetry.ActivitySource.StartActivity("ibm.job.submit");
        activity?.SetTag("quantumlm.backend", request.Backend);
        for (int attempt = 0; ; attempt++)
        {
            Exception unknown;
            try
            {
                CreateJobResponseDto created = await _api.CreateJobAsync(body, cancellationToken).ConfigureAwait(false);
                string id = created.Id ?? throw new IbmRuntimeException(QuantumLmErrorCodes.ServiceError, "IBM Runtime POST /jobs answered without a job id");
                _logger.IbmJobSubmitted(id, request.Backend, clientTag);
                activity?.SetTag("quantumlm.job_id", id);
                return new IbmJobOperation(this, id, created.Backend ?? request.Backend, null, registers);
            }
            catch (ApiException ex)
            {
                IbmRuntimeException mapped = IbmErrors.FromApi("POST /jobs", ex);
                if (!IbmErrors.IsForcelistStatus((int)ex.StatusCode) && ex.StatusCode != System.Net.HttpStatusCode.RequestTimeout)
                {
                    throw mapped;
                }

                unknown = mapped; // the service may have created the job before failing
            }
            catch (ApiRequestException ex)
            {
                Exception cause = IbmErrors.Unwrap(ex);
                if (cause is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException("IBM Runtime POST /jobs was cancelled", cause, cancellationToken);
                }

                bool notSent = cause is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
                    or BrokenCircuitException or IbmRuntimeException or OperationCanceledException;
                if (notSent || cause is not (HttpRequestException or TimeoutRejectedException))
                {
                    // Refused before it was sent (and already retried by the pipeline), or failed before sending (token): no job exists.
                    throw cause as IbmRuntimeException ?? MapTransport(cause, "POST /jobs");
                }

                unknown = MapTransport(cause, "POST /jobs"); // sent, but the answer was lost
            }

            _logger.IbmSubmitOutcomeUnknown(request.Backend, clientTag, attempt + 1, unknown.Message);
            IbmJobPage found = await GetJobsAsync(new IbmJobQuery { Tags = [clientTag], Limit = 1 }, cancellationToken).ConfigureAwait(false);
            if (found.Jobs.Count > 0)
            {
                IbmJob job = found.Jobs[0];
                IbmMetrics.SubmitRecoveries.Add(1, new KeyValuePair<string, object?>("outcome", "adopted"));
                _logger.IbmSubmitAdopted(job.Id, clientTag);
                return new IbmJobOperation(this, job.Id, job.Backend ?? request.Backend, job, registers);
            }

            if (attempt >= o.MaxRetries)
            {
                IbmMetrics.SubmitRecoveries.Add(1, new KeyValuePair<string, object?>("outcome", "gave_up"));
                throw new IbmRuntimeException(
                    QuantumLmErrorCodes.ServiceError,
                    $"IBM Runtime job submission to {request.Backend} failed {attempt + 1} times with an unknown outcome, and no job carries client tag {clientTag}; last failure: {unknown.Message}",
                    isTransient: true,
                    innerException: unknown);
            }

            TimeSpan delay = BackoffDelay(attempt, o);
            IbmMetrics.SubmitRecoveries.Add(1, new KeyValuePair<string, object?>("outcome", "resubmitted"));
            _logger.IbmSubmitRetrying(clientTag, attempt + 1, delay.TotalMilliseconds);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Re-attaches to an existing job by id, reading its current status.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The operation.</returns>
    /// <exception cref="IbmRuntimeException">No such job (<c>not_found</c>) or a service failure.</exception>
    public virtual async Task<IbmJobOperation> GetJobOperationAsync(string jobId, CancellationToken cancellationToken = default)
    {
        IbmJob job = await GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        return new IbmJobOperation(this, job.Id, job.Backend ?? string.Empty, job, null);
    }

    /// <summary>Reads a job (<c>GET /jobs/{id}?exclude_params=true</c>).</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job.</returns>
    /// <exception cref="IbmRuntimeException">No such job (<c>not_found</c>) or a service failure.</exception>
    public virtual async Task<IbmJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        JobDto dto = await CallAsync($"GET /jobs/{jobId}", (api, ct) => api.GetJobAsync(jobId, "true", ct), cancellationToken).ConfigureAwait(false);
        return IbmMapping.ToJob(dto, jobId);
    }

    /// <summary>Lists jobs, one page at a time (<c>GET /jobs</c>).</summary>
    /// <param name="query">Filters and paging, or <see langword="null"/> for the newest 20 jobs.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page.</returns>
    /// <exception cref="IbmRuntimeException">The service answered with an error or could not be reached.</exception>
    public virtual async Task<IbmJobPage> GetJobsAsync(IbmJobQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new IbmJobQuery();
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, 200, nameof(query));
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query));
        JobListDto dto = await CallAsync(
            "GET /jobs",
            (api, ct) => api.GetJobsAsync(
                query.Limit,
                query.Offset,
                query.Pending is bool p ? (p ? "true" : "false") : null,
                query.ProgramId,
                query.Backend,
                query.CreatedAfter is { } a ? IbmMapping.Iso(a) : null,
                query.CreatedBefore is { } b ? IbmMapping.Iso(b) : null,
                query.NewestFirst ? "DESC" : "ASC",
                query.Tags.Count == 0 ? null : query.Tags,
                query.SessionId,
                "true",
                ct),
            cancellationToken).ConfigureAwait(false);
        var jobs = (dto.Jobs ?? []).Select(static j => IbmMapping.ToJob(j)).ToList();
        return new IbmJobPage(jobs, dto.Count ?? jobs.Count, dto.Limit ?? query.Limit, dto.Offset ?? query.Offset);
    }

    /// <summary>Enumerates every job matching <paramref name="query"/>, fetching page after page.</summary>
    /// <param name="query">Filters; <see cref="IbmJobQuery.Limit"/> is the page size.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The jobs.</returns>
    public virtual async IAsyncEnumerable<IbmJob> GetAllJobsAsync(IbmJobQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new IbmJobQuery();
        int offset = query.Offset;
        while (true)
        {
            IbmJobPage page = await GetJobsAsync(query with { Offset = offset }, cancellationToken).ConfigureAwait(false);
            foreach (IbmJob job in page.Jobs)
            {
                yield return job;
            }

            offset += page.Jobs.Count;
            if (page.Jobs.Count == 0 || offset >= page.TotalCount)
            {
                yield break;
            }
        }
    }

    /// <summary>Asks the service to cancel a job (<c>POST /jobs/{id}/cancel</c>).</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the service accepted the request.</returns>
    /// <exception cref="IbmRuntimeException">No such job, the job can no longer be cancelled (<c>conflict</c>, HTTP 409), or a service failure.</exception>
    public virtual Task CancelJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        return CallAsync($"POST /jobs/{jobId}/cancel", async (api, ct) => { await api.CancelJobAsync(jobId, ct).ConfigureAwait(false); return true; }, cancellationToken);
    }

    /// <summary>Deletes a job and its data (<c>DELETE /jobs/{id}</c>).</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the job was deleted.</returns>
    /// <exception cref="IbmRuntimeException">No such job (<c>not_found</c>) or a service failure.</exception>
    public virtual Task DeleteJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        return CallAsync($"DELETE /jobs/{jobId}", async (api, ct) => { await api.DeleteJobAsync(jobId, ct).ConfigureAwait(false); return true; }, cancellationToken);
    }

    /// <summary>Fetches and decodes a finished SamplerV2 job's result (<c>GET /jobs/{id}/results</c>), in either encoding.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The counts per PUB and register.</returns>
    /// <exception cref="IbmRuntimeException">No result (yet), or a payload that cannot be decoded (<c>service_error</c>, with the JSON path).</exception>
    public virtual async Task<IbmSamplerResult> GetJobResultAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        string text = await CallAsync($"GET /jobs/{jobId}/results", (api, ct) => api.GetJobResultsAsync(jobId, ct), cancellationToken).ConfigureAwait(false);
        return IbmResultDecoder.Decode(text, Options.MaxResultArrayBytes);
    }

    /// <summary>Reads a job's timestamps and usage (<c>GET /jobs/{id}/metrics</c>).</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="IbmRuntimeException">No such job (<c>not_found</c>) or a service failure.</exception>
    public virtual async Task<IbmJobMetrics> GetJobMetricsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        return IbmMapping.ToMetrics(await CallAsync($"GET /jobs/{jobId}/metrics", (api, ct) => api.GetJobMetricsAsync(jobId, ct), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Replaces a job's tags (<c>PUT /jobs/{id}/tags</c>).</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="tags">The new tags.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the tags were replaced.</returns>
    /// <exception cref="IbmRuntimeException">No such job (<c>not_found</c>) or a service failure.</exception>
    public virtual Task SetJobTagsAsync(string jobId, IEnumerable<string> tags, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        ArgumentNullException.ThrowIfNull(tags);
        var body = new TagsDto { Tags = [.. tags] };
        return CallAsync($"PUT /jobs/{jobId}/tags", async (api, ct) => { await api.SetJobTagsAsync(jobId, body, ct).ConfigureAwait(false); return true; }, cancellationToken);
    }

    /// <summary>Opens a session or batch (<c>POST /sessions</c>); pass its id in <see cref="IbmSamplerJobRequest.SessionId"/>.</summary>
    /// <param name="backendName">The backend.</param>
    /// <param name="mode">Dedicated session or batch.</param>
    /// <param name="maxTimeToLive">The maximum time to live, or <see langword="null"/> for the service default (8 h).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The session.</returns>
    /// <exception cref="IbmRuntimeException">The service refused or could not be reached.</exception>
    public virtual async Task<IbmSession> CreateSessionAsync(string backendName, IbmSessionMode mode, TimeSpan? maxTimeToLive = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendName);
        var body = new CreateSessionDto
        {
            Mode = mode == IbmSessionMode.Batch ? "batch" : "dedicated",
            Backend = backendName,
            Instance = Options.ServiceCrn,
            MaxTtl = maxTimeToLive is { } t ? (int)Math.Ceiling(t.TotalSeconds) : null,
        };
        SessionDto dto = await CallAsync("POST /sessions", (api, ct) => api.CreateSessionAsync(body, ct), cancellationToken).ConfigureAwait(false);
        return IbmMapping.ToSession(dto);
    }

    /// <summary>Reads a session (<c>GET /sessions/{id}</c>).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The session.</returns>
    /// <exception cref="IbmRuntimeException">No such session (<c>not_found</c>) or a service failure.</exception>
    public virtual async Task<IbmSession> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        return IbmMapping.ToSession(await CallAsync($"GET /sessions/{sessionId}", (api, ct) => api.GetSessionAsync(sessionId, ct), cancellationToken).ConfigureAwait(false), sessionId);
    }

    /// <summary>Closes a session gracefully: it accepts no new jobs, queued jobs still run (<c>PATCH /sessions/{id}</c>). A session that no longer exists is not an error.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the session was closed.</returns>
    /// <exception cref="IbmRuntimeException">A service failure.</exception>
    public virtual async Task CloseSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        try
        {
            await CallAsync($"PATCH /sessions/{sessionId}", async (api, ct) => { await api.CloseSessionAsync(sessionId, new SessionPatchDto { AcceptingJobs = false }, ct).ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);
        }
        catch (IbmRuntimeException ex) when (ex.StatusCode == 404)
        {
            // Already gone: closing is done.
        }
    }

    /// <summary>Cancels a session: closes it and cancels its queued jobs (<c>DELETE /sessions/{id}/close</c>).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the session was cancelled.</returns>
    /// <exception cref="IbmRuntimeException">No such session (<c>not_found</c>) or a service failure.</exception>
    public virtual Task CancelSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        return CallAsync($"DELETE /sessions/{sessionId}/close", async (api, ct) => { await api.CancelSessionAsync(sessionId, ct).ConfigureAwait(false); return true; }, cancellationToken);
    }

    internal async Task<IbmBackendConfiguration> GetCachedConfigurationAsync(string backendName, CancellationToken cancellationToken) =>
        _configurations.TryGetValue(backendName, out IbmBackendConfiguration? c) ? c : await GetBackendConfigurationAsync(backendName, cancellationToken).ConfigureAwait(false);

    internal static TimeSpan BackoffDelay(int attempt, IbmRuntimeOptions o)
    {
        double ms = o.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        return TimeSpan.FromMilliseconds(Math.Min(ms, o.MaxRetryDelay.TotalMilliseconds));
    }

    private static IbmRuntimeException MapTransport(Exception ex, string operation) =>
        IbmErrors.TryMapTransport(ex, $"IBM Runtime {operation}", out IbmRuntimeException? mapped) ? mapped
            : new IbmRuntimeException(QuantumLmErrorCodes.ServiceError, $"IBM Runtime {operation} failed: {ex.Message}", innerException: ex);

    private async Task<T> CallAsync<T>(string operation, Func<IIbmRuntimeApi, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(_api, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.InnerException is System.Text.Json.JsonException json)
        {
            throw new IbmRuntimeException(QuantumLmErrorCodes.ServiceError, $"IBM Runtime {operation} answered with JSON that does not have the expected shape: {json.Message}", statusCode: (int)ex.StatusCode, innerException: ex);
        }
        catch (ApiException ex)
        {
            throw IbmErrors.FromApi(operation, ex);
        }
        catch (ApiRequestException ex)
        {
            Exception cause = IbmErrors.Unwrap(ex);
            if (cause is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException($"IBM Runtime {operation} was cancelled", cause, cancellationToken);
            }

            throw MapTransport(cause, operation);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException)
        {
            throw MapTransport(ex, operation);
        }
    }
}
