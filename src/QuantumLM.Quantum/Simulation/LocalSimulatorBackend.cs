using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Circuits;
using QuantumLM.Quantum.OpenQasm;

namespace QuantumLM.Quantum.Simulation;

/// <summary>
/// The embedded default backend <c>local</c>: parses the circuit's OpenQASM, runs the statevector simulator off the
/// caller's thread and keeps recent jobs so that <see cref="AttachAsync"/> can find them. Honours
/// <see cref="QuantumJobOptions.Shots"/> and <see cref="QuantumJobOptions.Seed"/> (seed 0 when none is given).
/// </summary>
public sealed class LocalSimulatorBackend : IQuantumBackend
{
    /// <summary>The backend name.</summary>
    public const string BackendName = "local";

    private readonly ConcurrentDictionary<string, LocalJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly LocalSimulatorOptions _options;
    private readonly StatevectorSimulator _simulator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _sequence;

    /// <summary>Initializes the backend.</summary>
    /// <param name="options">The simulator options.</param>
    /// <param name="timeProvider">The clock used for execution times.</param>
    /// <param name="logger">A logger.</param>
    public LocalSimulatorBackend(IOptions<LocalSimulatorOptions> options, TimeProvider? timeProvider = null, ILogger<LocalSimulatorBackend>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _simulator = new StatevectorSimulator(_options);
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Name => BackendName;

    /// <inheritdoc />
    public Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        int pending = _jobs.Values.Count(static j => !j.Status.IsTerminal);
        return Task.FromResult(new BackendStatus(BackendName, true, "statevector simulator ready", pending, _options.MaxQubits));
    }

    /// <inheritdoc />
    public Task<QuantumJobOperation> SubmitAsync(QuantumCircuit circuit, QuantumJobOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        if (options.Shots < 1 || options.Shots > _options.MaxShots)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, $"shots must be between 1 and {_options.MaxShots}, got {options.Shots}");
        }

        Circuit parsed = OpenQasmParser.Parse(circuit.Source);
        StateVector.EnsureFits(parsed.QubitCount, _options.MaxQubits);
        if (parsed.ClbitCount == 0)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidCircuit, "the circuit has no classical bits, so there is nothing to count; add a creg and measurements");
        }

        string id = $"local-{Interlocked.Increment(ref _sequence):D6}-{Guid.NewGuid():N}"[..32];
        var job = new LocalJob(id);
        ulong seed = options.Seed ?? 0;
        int shots = options.Shots;
        _jobs[id] = job;
        _order.Enqueue(id);
        Trim();
        Log.JobSubmitted(_logger, id, parsed.QubitCount, shots);
        job.Start(Task.Run(
            () =>
            {
                using Activity? activity = QuantumTelemetry.ActivitySource.StartActivity("local.simulate");
                activity?.SetTag("quantum.qubits", parsed.QubitCount);
                activity?.SetTag("quantum.shots", shots);
                long started = _time.GetTimestamp();
                job.MarkRunning();
                SimulationResult r = _simulator.Run(parsed, shots, seed, job.Token);
                TimeSpan elapsed = _time.GetElapsedTime(started);
                Log.JobCompleted(_logger, id, elapsed.TotalMilliseconds);
                return new QuantumJobResult
                {
                    Counts = r.Counts,
                    RegisterCounts = r.RegisterCounts,
                    Shots = r.Shots,
                    Seed = r.Seed,
                    ExecutionTime = elapsed,
                };
            },
            job.Token));
        return Task.FromResult<QuantumJobOperation>(job);
    }

    /// <inheritdoc />
    public Task<QuantumJobOperation> AttachAsync(string backendJobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backendJobId);
        if (_jobs.TryGetValue(backendJobId, out LocalJob? job))
        {
            return Task.FromResult<QuantumJobOperation>(job);
        }

        throw new QuantumLmException(QuantumLmErrorCodes.NotFound, $"no recent local job with id '{backendJobId}' (the local backend keeps the last {_options.RetainedJobs} jobs in memory)");
    }

    private void Trim()
    {
        while (_order.Count > _options.RetainedJobs && _order.TryDequeue(out string? old))
        {
            _jobs.TryRemove(old, out _);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable", Justification = "The source has no timer or linked token; it is collected with the job, which can be cancelled at any time after completion.")]
    private sealed class LocalJob(string id) : QuantumJobOperation
    {
        private readonly CancellationTokenSource _cts = new();
        private Task<QuantumJobResult>? _task;
        private volatile bool _running;

        public override string Id { get; } = id;

        public override string BackendName => LocalSimulatorBackend.BackendName;

        public CancellationToken Token => _cts.Token;

        public override QuantumJobStatus Status => _task switch
        {
            null => QuantumJobStatus.Queued,
            { IsCompletedSuccessfully: true } => QuantumJobStatus.Completed,
            { IsCanceled: true } => QuantumJobStatus.Cancelled,
            { IsFaulted: true } => QuantumJobStatus.Failed,
            _ => _running ? QuantumJobStatus.Running : QuantumJobStatus.Queued,
        };

        public void Start(Task<QuantumJobResult> task) => _task = task;

        public void MarkRunning() => _running = true;

        public override Task<QuantumJobStatus> UpdateStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(Status);

        public override async Task<QuantumJobResult> WaitForCompletionAsync(CancellationToken cancellationToken = default)
        {
            Task<QuantumJobResult> task = _task ?? throw new InvalidOperationException("the job has not started");
            try
            {
                return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (task.IsCanceled)
            {
                throw new QuantumLmException(QuantumLmErrorCodes.JobCancelled, $"local job {Id} was cancelled");
            }
            catch (QuantumLmException)
            {
                throw;
            }
            catch (Exception ex) when (task.IsFaulted && ex is not OperationCanceledException)
            {
                throw new QuantumLmException(QuantumLmErrorCodes.JobFailed, $"local job {Id} failed: {ex.Message}", isTransient: false, ex);
            }
        }

        public override Task CancelAsync(CancellationToken cancellationToken = default)
        {
            _cts.Cancel();
            return Task.CompletedTask;
        }
    }
}

/// <summary>Log messages of the local simulator.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Local job {JobId} submitted: {Qubits} qubits, {Shots} shots")]
    public static partial void JobSubmitted(ILogger logger, string jobId, int qubits, int shots);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Local job {JobId} completed in {ElapsedMs} ms")]
    public static partial void JobCompleted(ILogger logger, string jobId, double elapsedMs);
}
