using System.Diagnostics.CodeAnalysis;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Organisms;

/// <summary>
/// Fitness = Λ (or −W₂) of each organism's own declared circuit (<see cref="OrganismCircuit"/>: its QUANTUM section,
/// angles from its traits) run on a backend, against the ideal distribution the organism declares (GHZₙ when it
/// declares none) — the decision of organisms.md §6.3. Organisms whose declaration cannot run score
/// <see langword="null"/> (not measured) instead of stopping the run.
/// </summary>
[Experimental(OrganismsDiagnostics.Evolution)]
public sealed class DeclaredCircuitFitness : IOrganismFitness
{
    private readonly IQuantumBackend _backend;
    private readonly ITensorMetricsCalculator _metrics;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="backend">The backend the circuits run on.</param>
    /// <param name="metrics">The metrics calculator.</param>
    /// <param name="shots">Shots per organism (≥ 1).</param>
    /// <param name="metric">The ranking metric.</param>
    /// <param name="circuitName">The declared circuit to run, or <see langword="null"/> for each organism's first one.</param>
    /// <param name="maxQubits">The most qubits a declared circuit may use (1 to 24).</param>
    public DeclaredCircuitFitness(IQuantumBackend backend, ITensorMetricsCalculator metrics, int shots = 1024, FitnessMetric metric = FitnessMetric.Lambda, string? circuitName = null, int maxQubits = 12)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentOutOfRangeException.ThrowIfLessThan(shots, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQubits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxQubits, 24);
        _backend = backend;
        _metrics = metrics;
        Shots = shots;
        Metric = metric;
        CircuitName = circuitName;
        MaxQubits = maxQubits;
    }

    /// <summary>Gets the shots per organism.</summary>
    public int Shots { get; }

    /// <summary>Gets the ranking metric.</summary>
    public FitnessMetric Metric { get; }

    /// <summary>Gets the declared circuit run, or <see langword="null"/> for the first one.</summary>
    public string? CircuitName { get; }

    /// <summary>Gets the most qubits a declared circuit may use.</summary>
    public int MaxQubits { get; }

    /// <inheritdoc />
    public async ValueTask<FitnessResult> EvaluateAsync(Organism organism, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organism);
        OrganismCircuit declared;
        try
        {
            declared = OrganismCircuit.FromOrganism(organism, CircuitName, MaxQubits);
        }
        catch (Abstractions.QuantumLmException)
        {
            return new FitnessResult(null, null);
        }

        QuantumJobOperation op = await _backend.SubmitAsync(declared.Circuit, new QuantumJobOptions { Shots = Shots, Seed = seed, Tags = ["organism_fitness"] }, cancellationToken).ConfigureAwait(false);
        QuantumJobResult result = await op.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
        TensorMetrics m = _metrics.Compute(result.Counts, declared.Ideal);
        double? fitness = Metric == FitnessMetric.Lambda ? m.Lambda : -m.W2;
        return new FitnessResult(fitness, m);
    }
}
