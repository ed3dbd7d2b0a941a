using System.Text.RegularExpressions;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Ibm;

/// <summary>
/// An IBM Quantum processor (for example <c>ibm_fez</c>) as an <see cref="IQuantumBackend"/>. It submits OpenQASM 3
/// circuits that are already in the backend's instruction set (ISA) as SamplerV2 jobs. OpenQASM 2 circuits are refused:
/// the ISA transpiler is not available yet.
/// </summary>
public sealed partial class IbmRuntimeBackend : IQuantumBackend
{
    private readonly IbmRuntimeClient _client;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="client">The client that talks to the service.</param>
    /// <param name="name">The backend name.</param>
    public IbmRuntimeBackend(IbmRuntimeClient client, string name)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _client = client;
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public async Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        IbmBackendStatus status = await _client.GetBackendStatusAsync(Name, cancellationToken).ConfigureAwait(false);
        IbmBackendConfiguration config = await _client.GetCachedConfigurationAsync(Name, cancellationToken).ConfigureAwait(false);
        return new BackendStatus(Name, status.IsOperational, status.Status, status.PendingJobs, config.QubitCount);
    }

    /// <inheritdoc />
    /// <exception cref="QuantumLmException">
    /// The circuit is OpenQASM 2 (<c>qasm</c>: transpilation is not available yet), too large for the backend
    /// (<c>circuit_too_large</c>), asks for more shots than the backend allows (<c>invalid_payload</c>), the backend is
    /// not operational (<c>backend_offline</c>, transient), or the service refused the job.
    /// </exception>
    public async Task<QuantumJobOperation> SubmitAsync(QuantumCircuit circuit, QuantumJobOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(options);
        if (circuit.Language != CircuitLanguage.OpenQasm3 || OpenQasm2Header().IsMatch(circuit.Source))
        {
            throw new QuantumLmException(
                QuantumLmErrorCodes.InvalidCircuit,
                $"backend {Name} accepts OpenQASM 3 circuits already in its instruction set (rz, sx, x, cz, measure on physical qubits $k); " +
                "OpenQASM 2 cannot be submitted because transpilation to IBM's ISA is not available yet");
        }

        if (circuit.ClbitCount == 0)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidCircuit, $"the circuit measures nothing (no classical bits), so backend {Name} would return no counts");
        }

        IbmBackendConfiguration config = await _client.GetCachedConfigurationAsync(Name, cancellationToken).ConfigureAwait(false);
        if (circuit.QubitCount > config.QubitCount)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.CircuitTooLarge, $"the circuit uses {circuit.QubitCount} qubits but backend {Name} has {config.QubitCount}");
        }

        if (options.Shots < 1 || (config.MaxShots is int max && options.Shots > max))
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, $"shots = {options.Shots} is outside 1..{config.MaxShots?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "∞"} for backend {Name}");
        }

        IbmBackendStatus status = await _client.GetBackendStatusAsync(Name, cancellationToken).ConfigureAwait(false);
        if (!status.IsOperational)
        {
            throw new IbmRuntimeException(QuantumLmErrorCodes.BackendOffline, $"backend {Name} is not accepting jobs now (status {status.Status}: {status.Message ?? "no message"})", isTransient: true);
        }

        var pub = new IbmSamplerPub(circuit.Source, options.Shots) { ClassicalRegisters = circuit.ClassicalRegisters };
        var request = new IbmSamplerJobRequest(Name, [pub]) { Tags = options.Tags };
        return await _client.StartJobAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<QuantumJobOperation> AttachAsync(string backendJobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendJobId);
        return await _client.GetJobOperationAsync(backendJobId, cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex(@"^\s*(//[^\n]*\n\s*)*OPENQASM\s+2(\.\d+)?\s*;", RegexOptions.CultureInvariant)]
    private static partial Regex OpenQasm2Header();
}
