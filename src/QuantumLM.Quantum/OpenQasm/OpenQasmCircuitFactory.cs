using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.OpenQasm;

/// <summary>The <see cref="IQuantumCircuitFactory"/> of <see cref="QasmCircuitFactory"/>.</summary>
internal sealed class OpenQasmCircuitFactory : IQuantumCircuitFactory
{
    public QuantumCircuit Create(string source, string? name = null) => QasmCircuitFactory.Create(source, name);
}
