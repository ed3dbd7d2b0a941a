using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Circuits;
using QuantumLM.Quantum.OpenQasm;
using QuantumLM.Quantum.Transpilation;

namespace QuantumLM.Quantum.Ibm;

/// <summary>
/// An IBM Quantum processor (for example <c>ibm_fez</c>) as an <see cref="IQuantumBackend"/>. It accepts any OpenQASM 2
/// or 3 circuit: circuits not already in the backend's instruction set (ISA) are transpiled with
/// <see cref="IsaTranspiler"/> against the backend's coupling map, basis gates and latest calibration, then submitted
/// as SamplerV2 jobs in OpenQASM 3 with physical qubits. Measurements keep the caller's classical bits, so counts need
/// no remapping.
/// </summary>
public sealed class IbmRuntimeBackend : IQuantumBackend, IQuantumJobLookup
{
    private readonly IbmRuntimeClient _client;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="client">The client that talks to the service.</param>
    /// <param name="name">The backend name.</param>
    /// <param name="transpileOptions">The transpiler options, or <see langword="null"/> for the defaults.</param>
    public IbmRuntimeBackend(IbmRuntimeClient client, string name, TranspileOptions? transpileOptions = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _client = client;
        Name = name;
        _transpileOptions = transpileOptions ?? TranspileOptions.Default;
    }

    private readonly TranspileOptions _transpileOptions;

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
    /// The circuit does not parse or cannot be transpiled for the backend (<c>invalid_circuit</c>), is too large for the
    /// backend (<c>circuit_too_large</c>), asks for more shots than the backend allows (<c>invalid_payload</c>), the backend is
    /// not operational (<c>backend_offline</c>, transient), or the service refused the job.
    /// </exception>
    public async Task<QuantumJobOperation> SubmitAsync(QuantumCircuit circuit, QuantumJobOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(options);
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

        string isa = await ToIsaAsync(circuit, config, cancellationToken).ConfigureAwait(false);
        var pub = new IbmSamplerPub(isa, options.Shots) { ClassicalRegisters = circuit.ClassicalRegisters };
        var request = new IbmSamplerJobRequest(Name, [pub]) { Tags = options.Tags };
        return await _client.StartJobAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<QuantumJobOperation> AttachAsync(string backendJobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backendJobId);
        return await _client.GetJobOperationAsync(backendJobId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<QuantumJobOperation?> FindByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        IbmJobPage page = await _client.GetJobsAsync(new IbmJobQuery { Tags = [tag], Backend = Name, Limit = 1 }, cancellationToken).ConfigureAwait(false);
        return page.Jobs.Count == 0 ? null : await _client.GetJobOperationAsync(page.Jobs[0].Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the circuit's source when it is already ISA for this backend, else the transpiled OpenQASM 3.</summary>
    private async Task<string> ToIsaAsync(QuantumCircuit circuit, IbmBackendConfiguration config, CancellationToken cancellationToken)
    {
        Circuit parsed = OpenQasmParser.Parse(circuit.Source); // invalid text: QuantumLmException invalid_circuit with line:col

        IbmBackendProperties properties = await _client.GetBackendPropertiesAsync(Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        var target = IsaTarget.FromIbm(config, properties);
        if (circuit.Language == CircuitLanguage.OpenQasm3 && IsIsa(parsed, target))
        {
            return circuit.Source;
        }

        return IsaTranspiler.Transpile(parsed, target, _transpileOptions).ToOpenQasm3();
    }

    private static bool IsIsa(Circuit circuit, IsaTarget target)
    {
        if (!circuit.UsesPhysicalQubits)
        {
            return false;
        }

        static IEnumerable<CircuitOperation> Flatten(IEnumerable<CircuitOperation> ops) =>
            ops.SelectMany(o => o is ConditionalOperation c ? Flatten(c.Then.Concat(c.Else.IsDefault ? [] : c.Else)) : [o]);

        return Flatten(circuit.Operations).All(o => o is not GateOperation g
            || (target.BasisGates.Contains(g.Name) && (g.Qubits.Length == 1 || (g.Qubits.Length == 2 && target.AreCoupled(g.Qubits[0], g.Qubits[1])))));
    }
}
