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

    /// <summary>Gets how the shots were drawn.</summary>
    public required SimulationMethod Method { get; init; }
}

/// <summary>How a simulation drew its shots.</summary>
public enum SimulationMethod
{
    /// <summary>Every measurement is terminal: the final state was computed once and all shots drawn from it.</summary>
    FinalStateSampling = 0,

    /// <summary>Mid-circuit measurement, reset or classical control with few outcome branches: the exact outcome distribution was computed branch by branch and the shots drawn from it.</summary>
    BranchSampling = 1,

    /// <summary>Too many branches: every shot ran as its own trajectory (seeded measurement collapse).</summary>
    Trajectories = 2,

    /// <summary>Run under a noise model: Pauli-error trajectories, each simulated exactly, shots shared among them, readout errors applied (see <see cref="Noise.NoisySimulator"/>).</summary>
    NoisyTrajectories = 3,
}
