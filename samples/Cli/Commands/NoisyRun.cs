using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Circuits;
using QuantumLM.Quantum.Ibm;
using QuantumLM.Quantum.Metrics;
using QuantumLM.Quantum.OpenQasm;
using QuantumLM.Quantum.Simulation;
using QuantumLM.Quantum.Simulation.Noise;
using QuantumLM.Quantum.Transpilation;

namespace QuantumLM.Cli;

/// <summary>
/// <c>quantumlm run circuit.qasm --noise-from ibm_fez</c>: the local simulator imitating an IBM backend — the circuit is
/// transpiled for the backend (its coupling map, basis and calibration) and simulated under the noise model of that
/// calibration (<see cref="NoiseModel.FromIbm"/>, an approximation).
/// </summary>
internal static class NoisyRun
{
    public static async Task RunAsync(CliIO io, string path, int shots, ulong? seed, string backendName, bool withMetrics, string device, CancellationToken cancellationToken)
    {
        if (!string.Equals(backendName, LocalSimulatorBackend.BackendName, StringComparison.Ordinal))
        {
            throw new QuantumLmException(CliErrorCodes.Usage, $"--noise-from runs on the local simulator; drop --backend {backendName}");
        }

        if (string.IsNullOrWhiteSpace(device))
        {
            throw new QuantumLmException(CliErrorCodes.Usage, "--noise-from needs an IBM backend name, such as ibm_fez");
        }

        Microsoft.Extensions.Configuration.IConfigurationSection ibm = BackendsCommand.IbmConfiguration();
        if (string.IsNullOrWhiteSpace(ibm["ApiKey"]))
        {
            throw new QuantumLmException(QuantumLmErrorCodes.BackendNotFound,
                $"--noise-from {device} reads the backend's calibration from IBM Quantum Runtime, which is not configured (set QuantumLM__Ibm__ApiKey and QuantumLM__Ibm__ServiceCrn)");
        }

        string source = await CliIO.ReadFileAsync(path, RunCommand.MaxFileBytes, cancellationToken);
        QuantumCircuit described = QasmCircuitFactory.Create(source, Path.GetFileNameWithoutExtension(path));
        Circuit circuit = OpenQasmParser.Parse(source);
        ulong usedSeed = seed ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

        await using ServiceProvider provider = BackendsCommand.BuildIbm(ibm);
        IbmRuntimeClient client = provider.GetRequiredService<IbmRuntimeClient>();
        IbmBackendConfiguration configuration;
        IbmBackendProperties properties;
        try
        {
            configuration = await client.GetBackendConfigurationAsync(device, cancellationToken);
            properties = await client.GetBackendPropertiesAsync(device, cancellationToken: cancellationToken);
        }
        catch (IbmRuntimeException ex) when (ex.StatusCode == 404)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.BackendNotFound, $"IBM Quantum Runtime has no backend named '{device}' for this instance");
        }

        TranspileResult isa = IsaTranspiler.Transpile(circuit, IsaTarget.FromIbm(configuration, properties), new TranspileOptions { Seed = (int)(usedSeed & 0x7FFF_FFFF) });
        SimulationResult result = new NoisySimulator().RunIsa(isa, NoiseModel.FromIbm(properties), shots, usedSeed, cancellationToken);

        var counts = new JsonObject();
        foreach (var (key, count) in result.Counts.Entries)
        {
            counts[RunCommand.QiskitKey(key, described.ClassicalRegisters)] = count;
        }

        var output = new JsonObject
        {
            ["backend"] = LocalSimulatorBackend.BackendName,
            ["noise_model"] = device,
            ["shots"] = result.Shots,
            ["seed"] = usedSeed,
            ["num_qubits"] = described.QubitCount,
            ["num_clbits"] = described.ClbitCount,
            ["transpiled"] = new JsonObject
            {
                ["initial_layout"] = new JsonArray([.. isa.InitialLayout.Select(static p => (JsonNode)p)]),
                ["swaps"] = isa.SwapCount,
                ["two_qubit_gates"] = isa.TwoQubitGateCount,
            },
            ["counts"] = counts,
        };
        if (withMetrics)
        {
            ProbabilityDistribution ideal = new StatevectorSimulator().GetIdealDistribution(circuit, cancellationToken);
            TensorMetrics m = new TensorMetricsCalculator().Compute(result.Counts, ideal, new TensorMetricsOptions { IdealSource = IdealSources.Statevector }, cancellationToken);
            output["metrics"] = TensorMetricsJson.ToJsonNode(m);
        }

        await io.WriteJsonAsync(output);
    }
}
