using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Organisms;

/// <summary>What quantum_enhance does when the backend run or the metrics fail.</summary>
public enum QuantumFailurePolicy
{
    /// <summary>Throw a <see cref="QuantumLmException"/> (the default: no silent fallback).</summary>
    Error = 0,

    /// <summary>Fall back to evolve at <see cref="QuantumEnhanceOptions.FallbackRate"/>; the report says <c>fallback: true</c> and <c>operator: "evolve"</c>.</summary>
    Evolve = 1,
}

/// <summary>Parameters of quantum_enhance (organisms specification §6.2).</summary>
public sealed record QuantumEnhanceOptions
{
    /// <summary>Gets the default options.</summary>
    public static QuantumEnhanceOptions Default { get; } = new();

    /// <summary>Gets n, the number of GHZ qubits, from 2 to 24.</summary>
    /// <value>The default is 3.</value>
    public int Qubits { get; init; } = 3;

    /// <summary>Gets the number of shots, from 1 to 1,000,000.</summary>
    /// <value>The default is 1024.</value>
    public int Shots { get; init; } = 1024;

    /// <summary>Gets μ_max: μ = clamp(μ_max·Φ, μ_min, μ_max).</summary>
    /// <value>The default is 0.5.</value>
    public double MaxRate { get; init; } = 0.5;

    /// <summary>Gets μ_min.</summary>
    /// <value>The default is 0.01.</value>
    public double MinRate { get; init; } = 0.01;

    /// <summary>Gets what to do when the run or the metrics fail.</summary>
    /// <value>The default is <see cref="QuantumFailurePolicy.Error"/>.</value>
    public QuantumFailurePolicy OnFailure { get; init; } = QuantumFailurePolicy.Error;

    /// <summary>Gets the evolve rate used by a fallback.</summary>
    /// <value>The default is 0.1 (the original platform's fallback rate).</value>
    public double FallbackRate { get; init; } = 0.1;

    /// <summary>Gets the evolve options other than the rate (σ, mode, booleans, bounds inference).</summary>
    public EvolveOptions Evolve { get; init; } = EvolveOptions.Default;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Qubits, 2, nameof(Qubits));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Qubits, 24, nameof(Qubits));
        ArgumentOutOfRangeException.ThrowIfLessThan(Shots, 1, nameof(Shots));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Shots, 1_000_000, nameof(Shots));
        if (!(MinRate >= 0 && MinRate <= MaxRate && MaxRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRate), MaxRate, "Expected 0 ≤ MinRate ≤ MaxRate ≤ 1.");
        }

        if (!(FallbackRate >= 0 && FallbackRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(FallbackRate), FallbackRate, "The fallback rate must be in [0, 1].");
        }

        ArgumentNullException.ThrowIfNull(Evolve, nameof(Evolve));
        (Evolve with { Rate = 0 }).Validate();
    }
}

/// <summary>What quantum_enhance did.</summary>
public sealed record QuantumEnhanceReport
{
    /// <summary>Gets the effective operator: <c>quantum_enhance</c>, or <c>evolve</c> after a fallback.</summary>
    public required string Operator { get; init; }

    /// <summary>Gets <c>completed</c> or <c>fallback</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Gets a value indicating whether the run failed and evolve ran instead (only with <see cref="QuantumFailurePolicy.Evolve"/>).</summary>
    public bool Fallback { get; init; }

    /// <summary>Gets why the run failed, when it did.</summary>
    public string? FailureReason { get; init; }

    /// <summary>Gets the backend name.</summary>
    public required string Backend { get; init; }

    /// <summary>Gets the backend job id, when a job was submitted.</summary>
    public string? JobId { get; init; }

    /// <summary>Gets the seed (used for the sampling where the backend honours it, and for evolve).</summary>
    public required ulong Seed { get; init; }

    /// <summary>Gets the GHZ width n.</summary>
    public required int Qubits { get; init; }

    /// <summary>Gets the number of shots.</summary>
    public required int Shots { get; init; }

    /// <summary>Gets the OpenQASM 2 text of the GHZ circuit.</summary>
    public required string Circuit { get; init; }

    /// <summary>Gets the metrics against the ideal {0ⁿ: ½, 1ⁿ: ½}, or <see langword="null"/> after a failure.</summary>
    public TensorMetrics? Metrics { get; init; }

    /// <summary>Gets the mutation rate μ used (μ = clamp(μ_max·Φ, μ_min, μ_max), or the fallback rate).</summary>
    public required double Mu { get; init; }

    /// <summary>Gets the report of the evolve step.</summary>
    public required EvolveReport Evolve { get; init; }
}

/// <summary>
/// quantum_enhance: runs GHZₙ on a backend, computes the metrics against the exact GHZ ideal, sets the evolve rate from
/// Φ, and evolves. This service resolves backends by name through <see cref="IQuantumBackendProvider"/>; with a backend
/// instance at hand call <see cref="OrganismOperators.QuantumEnhanceAsync"/> directly.
/// </summary>
public sealed class QuantumEnhancer
{
    private readonly IQuantumBackendProvider _backends;
    private readonly ITensorMetricsCalculator _metrics;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="backends">Finds backends by name.</param>
    /// <param name="metrics">Computes the metrics.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    public QuantumEnhancer(IQuantumBackendProvider backends, ITensorMetricsCalculator metrics, ILogger<QuantumEnhancer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(backends);
        ArgumentNullException.ThrowIfNull(metrics);
        _backends = backends;
        _metrics = metrics;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Runs quantum_enhance on the named backend.</summary>
    /// <param name="organism">The parent.</param>
    /// <param name="backendName">The backend name (<c>local</c>, <c>ibm_fez</c>, …).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The child and the report.</returns>
    /// <exception cref="QuantumLmException">No such backend, or the run failed and <see cref="QuantumEnhanceOptions.OnFailure"/> is <see cref="QuantumFailurePolicy.Error"/>.</exception>
    public Task<OperatorResult<QuantumEnhanceReport>> EnhanceAsync(Organism organism, string backendName, ulong seed, QuantumEnhanceOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendName);
        var backend = _backends.GetBackend(backendName);
        return RunAsync(organism, backend, _metrics, seed, options, _logger, cancellationToken);
    }

    internal static async Task<OperatorResult<QuantumEnhanceReport>> RunAsync(Organism organism, IQuantumBackend backend, ITensorMetricsCalculator metrics, ulong seed, QuantumEnhanceOptions? options = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organism);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(metrics);
        options ??= QuantumEnhanceOptions.Default;
        options.Validate();
        logger ??= NullLogger.Instance;
        using var activity = OrganismsTelemetry.ActivitySource.StartActivity("quantum_enhance");
        var circuit = CreateGhzCircuit(options.Qubits);
        string? jobId = null;
        TensorMetrics? tensor = null;
        double mu;
        try
        {
            var operation = await backend.SubmitAsync(circuit, new QuantumJobOptions { Shots = options.Shots, Seed = seed, Tags = ["quantum_enhance"] }, cancellationToken).ConfigureAwait(false);
            jobId = operation.Id;
            var result = await operation.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
            tensor = metrics.Compute(result.Counts, CreateGhzIdeal(options.Qubits));
            if (tensor.Phi is not double phi || !double.IsFinite(phi))
            {
                throw new QuantumLmException(QuantumLmErrorCodes.JobFailed, $"the metrics of the GHZ run have no Φ ({tensor.Reason ?? "undefined"})");
            }

            mu = Math.Clamp(options.MaxRate * phi, options.MinRate, options.MaxRate);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            string reason = ex.Message;
            if (options.OnFailure == QuantumFailurePolicy.Error)
            {
                Log.QuantumEnhanceFailed(logger, backend.Name, reason);
                throw ex is QuantumLmException q
                    ? new QuantumLmException(q.ErrorCode, $"quantum_enhance on backend '{backend.Name}' failed: {reason}", q.IsTransient, ex)
                    : new QuantumLmException(QuantumLmErrorCodes.JobFailed, $"quantum_enhance on backend '{backend.Name}' failed: {reason}", isTransient: false, ex);
            }

            Log.QuantumEnhanceFallback(logger, backend.Name, reason, options.FallbackRate);
            var fallback = OrganismOperators.Evolve(organism, seed, options.Evolve with { Rate = options.FallbackRate });
            return new(fallback.Child, new QuantumEnhanceReport
            {
                Operator = OperatorNames.Evolve,
                Status = "fallback",
                Fallback = true,
                FailureReason = reason,
                Backend = backend.Name,
                JobId = jobId,
                Seed = seed,
                Qubits = options.Qubits,
                Shots = options.Shots,
                Circuit = circuit.Source,
                Metrics = null,
                Mu = options.FallbackRate,
                Evolve = fallback.Report,
            });
        }

        var evolved = OrganismOperators.Evolve(organism, seed, options.Evolve with { Rate = mu });
        return new(evolved.Child, new QuantumEnhanceReport
        {
            Operator = OperatorNames.QuantumEnhance,
            Status = "completed",
            Backend = backend.Name,
            JobId = jobId,
            Seed = seed,
            Qubits = options.Qubits,
            Shots = options.Shots,
            Circuit = circuit.Source,
            Metrics = tensor,
            Mu = mu,
            Evolve = evolved.Report,
        });
    }

    /// <summary>Builds GHZₙ as OpenQASM 2: <c>h q[0]; cx q[0],q[i]</c> for i = 1..n−1, then measure all into <c>c</c>.</summary>
    /// <param name="qubits">n, at least 2.</param>
    /// <returns>The circuit.</returns>
    public static QuantumCircuit CreateGhzCircuit(int qubits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(qubits, 2);
        var sb = new StringBuilder();
        sb.Append("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n");
        sb.Append(CultureInfo.InvariantCulture, $"qreg q[{qubits}];\ncreg c[{qubits}];\nh q[0];\n");
        for (int i = 1; i < qubits; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"cx q[0],q[{i}];\n");
        }

        sb.Append("measure q -> c;\n");
        return new QuantumCircuit(sb.ToString(), CircuitLanguage.OpenQasm2, qubits, [new ClassicalRegister("c", qubits)]) { Name = $"ghz_{qubits}" };
    }

    /// <summary>Returns the exact GHZ ideal {0ⁿ: ½, 1ⁿ: ½}.</summary>
    /// <param name="qubits">n.</param>
    /// <returns>The distribution.</returns>
    public static ProbabilityDistribution CreateGhzIdeal(int qubits) =>
        ProbabilityDistribution.Create([new(new string('0', qubits), 0.5), new(new string('1', qubits), 0.5)], qubits);
}
