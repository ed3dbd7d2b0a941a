using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Simulation;

/// <summary>The outcome of a sampled simulation.</summary>
public sealed record SimulationResult
{
    /// <summary>Gets the counts of all classical registers combined (Qiskit keys without spaces, last register leftmost).</summary>
    public required Counts Counts { get; init; }

    /// <summary>Gets the counts of each classical register, by register name.</summary>
    public required IReadOnlyDictionary<string, Counts> RegisterCounts { get; init; }

    /// <summary>Gets the number of shots.</summary>
    public required int Shots { get; init; }

    /// <summary>Gets the seed used.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Gets a value indicating whether shots ran as per-shot trajectories (mid-circuit measurement, reset or classical control) rather than sampling one final state.</summary>
    public required bool UsedTrajectories { get; init; }
}
