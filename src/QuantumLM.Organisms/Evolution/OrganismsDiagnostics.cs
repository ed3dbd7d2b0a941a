namespace QuantumLM.Organisms;

/// <summary>The diagnostic ids of <see cref="System.Diagnostics.CodeAnalysis.ExperimentalAttribute"/> in this package.</summary>
public static class OrganismsDiagnostics
{
    /// <summary>
    /// The evolution engine (<see cref="EvolutionEngine"/> and its options, fitness and result types) is experimental:
    /// its shape may change in a minor version. Suppress with <c>&lt;NoWarn&gt;$(NoWarn);QLMORG001&lt;/NoWarn&gt;</c>.
    /// </summary>
    public const string Evolution = "QLMORG001";
}
