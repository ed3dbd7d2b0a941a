using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Circuits;

namespace QuantumLM.Quantum.OpenQasm;

/// <summary>Turns OpenQASM text into the exchange record <see cref="QuantumCircuit"/> (language, qubit count, classical registers).</summary>
public static class QasmCircuitFactory
{
    /// <summary>Parses and checks OpenQASM 2/3 text and describes it.</summary>
    /// <param name="source">The program text.</param>
    /// <param name="name">An optional display name.</param>
    /// <returns>The circuit record carrying <paramref name="source"/>.</returns>
    /// <exception cref="QuantumLM.Abstractions.QuantumLmException">The program is invalid (code <c>qasm</c>).</exception>
    public static QuantumCircuit Create(string source, string? name = null)
    {
        Circuit circuit = OpenQasmParser.Parse(source, out CircuitLanguage language, OpenQasmParserOptions.Default);
        return new QuantumCircuit(source, language, circuit.QubitCount, circuit.ToClassicalRegisters()) { Name = name };
    }
}
