namespace QuantumLM.Abstractions.Quantum;

/// <summary>
/// Parses and checks OpenQASM 2/3 text into the exchange record <see cref="QuantumCircuit"/> (language, qubit count,
/// classical registers). Implemented by <c>QuantumLM.Quantum</c>.
/// </summary>
public interface IQuantumCircuitFactory
{
    /// <summary>Parses and checks a program.</summary>
    /// <param name="source">The OpenQASM text.</param>
    /// <param name="name">An optional display name.</param>
    /// <returns>The circuit carrying <paramref name="source"/>.</returns>
    /// <exception cref="QuantumLmException">The program is invalid (<see cref="QuantumLmErrorCodes.InvalidCircuit"/>, with line and column).</exception>
    QuantumCircuit Create(string source, string? name = null);
}
