namespace QuantumLM.Quantum.Transpilation;

/// <summary>Options of <see cref="IsaTranspiler"/>.</summary>
public sealed record TranspileOptions
{
    /// <summary>Gets the default options.</summary>
    public static TranspileOptions Default { get; } = new();

    /// <summary>Gets the seed for the router's tie-breaks; the same circuit, target and seed give the same output.</summary>
    public int Seed { get; init; }

    /// <summary>Gets a value indicating whether the peephole pass runs (merge single-qubit runs, cancel inverse pairs, drop identities).</summary>
    public bool Optimize { get; init; } = true;

    /// <summary>Gets the number of forward-backward routing passes used to improve the initial layout (SABRE's layout refinement; 0 keeps the first layout).</summary>
    public int LayoutRefinementPasses { get; init; } = 1;

    /// <summary>Gets the number of routing trials (seeds <see cref="Seed"/>, <see cref="Seed"/> + 1, …); the one with the fewest SWAPs wins.</summary>
    public int RoutingTrials { get; init; } = 4;

    /// <summary>Gets the weight of the look-ahead (extended) set in the routing heuristic.</summary>
    public double LookaheadWeight { get; init; } = 0.5;

    /// <summary>Gets the size of the look-ahead set (two-qubit gates after the front layer).</summary>
    public int LookaheadSize { get; init; } = 20;
}
