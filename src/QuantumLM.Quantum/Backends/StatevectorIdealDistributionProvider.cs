using Microsoft.Extensions.Options;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Circuits;
using QuantumLM.Quantum.OpenQasm;
using QuantumLM.Quantum.Simulation;

namespace QuantumLM.Quantum;

/// <summary>
/// The noiseless reference of a circuit: its exact output distribution from the statevector simulator, when the circuit
/// has at most <see cref="LocalSimulatorOptions.MaxQubits"/> qubits (otherwise <see langword="null"/>).
/// </summary>
internal sealed class StatevectorIdealDistributionProvider(IOptions<LocalSimulatorOptions> options) : IIdealDistributionProvider
{
    private readonly StatevectorSimulator _simulator = new(options.Value);
    private readonly int _maxQubits = options.Value.MaxQubits;

    public ProbabilityDistribution? GetIdealDistribution(QuantumCircuit circuit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        Circuit parsed = OpenQasmParser.Parse(circuit.Source);
        if (parsed.QubitCount > _maxQubits || parsed.ClbitCount == 0)
        {
            return null;
        }

        try
        {
            return _simulator.GetIdealDistribution(parsed, cancellationToken);
        }
        catch (QuantumLM.Abstractions.QuantumLmException ex) when (ex.ErrorCode == QuantumLM.Abstractions.QuantumLmErrorCodes.CircuitTooLarge)
        {
            // Too many mid-circuit branches for an exact answer: no ideal rather than an approximate one.
            return null;
        }
    }
}
