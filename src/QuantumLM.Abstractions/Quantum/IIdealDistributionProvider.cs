namespace QuantumLM.Abstractions.Quantum;

/// <summary>
/// Computes the ideal (noiseless, exact) output distribution of a circuit, the reference that measured counts are scored
/// against when the caller supplies none. Implemented by <c>QuantumLM.Quantum</c> with its statevector simulator.
/// </summary>
public interface IIdealDistributionProvider
{
    /// <summary>Computes the exact measurement distribution of <paramref name="circuit"/>, when it fits the simulator.</summary>
    /// <param name="circuit">The circuit.</param>
    /// <param name="cancellationToken">Cancels the computation.</param>
    /// <returns>
    /// The distribution over the circuit's combined classical keys (width = its classical bits), or <see langword="null"/>
    /// when the circuit is too large for an exact simulation (then metrics are computed without an ideal).
    /// </returns>
    /// <exception cref="QuantumLmException">The circuit's source is invalid (<see cref="QuantumLmErrorCodes.InvalidCircuit"/>).</exception>
    ProbabilityDistribution? GetIdealDistribution(QuantumCircuit circuit, CancellationToken cancellationToken = default);
}
