using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Metrics;
using QuantumLM.Quantum.OpenQasm;
using QuantumLM.Quantum.Simulation;

namespace QuantumLM.Cli;

/// <summary>
/// <c>quantumlm run circuit.qasm [--shots N] [--seed S] [--backend local|ibm_*]</c>: runs an OpenQASM 2/3 file and
/// prints the counts as JSON, keys in Qiskit's format (registers joined by one space, the last declared register
/// leftmost). IBM backends (when <c>QuantumLM__Ibm__*</c> is configured) get the circuit transpiled to their ISA.
/// </summary>
internal static class RunCommand
{
    public const long MaxFileBytes = 16 * 1024 * 1024;
    public const int MaxShots = 10_000_000;

    public static Command Create(CliIO io)
    {
        var file = new Argument<string>("circuit") { Description = "The OpenQASM 2 or 3 file to run." };
        var shots = new Option<int>("--shots") { Description = $"Number of shots (1..{MaxShots}).", DefaultValueFactory = _ => 1024 };
        var seed = new Option<ulong?>("--seed") { Description = "Sampling seed; the same seed gives the same counts. Chosen at random and printed when omitted." };
        var backend = new Option<string>("--backend") { Description = "Backend name: 'local' (the statevector simulator), or an IBM backend such as ibm_fez when QuantumLM__Ibm__ApiKey and __ServiceCrn are set.", DefaultValueFactory = _ => LocalSimulatorBackend.BackendName };
        var metrics = new Option<bool>("--metrics") { Description = "Add the ΛΦ tensor metrics of the counts against the circuit's noiseless (statevector) distribution." };
        var noiseFrom = new Option<string?>("--noise-from") { Description = "Imitate an IBM backend on the local simulator: transpile for it and simulate with its calibration's noise (needs QuantumLM__Ibm__* to read the calibration)." };
        var command = new Command("run", "Run an OpenQASM 2/3 circuit (on the local simulator by default) and print its counts as JSON.\n\n" +
            "Examples:\n" +
            "  quantumlm run ghz.qasm\n" +
            "  quantumlm run ghz.qasm --shots 4096 --seed 7 --metrics\n" +
            "  quantumlm run big.qasm --shots 100000 --progress\n" +
            "  quantumlm run ghz.qasm --backend ibm_fez          (IBM Quantum Runtime configured; transpiled to the backend's ISA)\n" +
            "  quantumlm run ghz.qasm --noise-from ibm_fez --metrics   (local simulation with ibm_fez's calibrated noise)") { file, shots, seed, backend, metrics, noiseFrom };
        command.SetAction((parse, cancellationToken) => io.GuardAsync(() => RunAsync(
            io,
            parse,
            parse.GetValue(file)!,
            parse.GetValue(shots),
            parse.GetValue(seed),
            parse.GetValue(backend) ?? LocalSimulatorBackend.BackendName,
            parse.GetValue(metrics),
            parse.GetValue(noiseFrom),
            cancellationToken)));
        return command;
    }

    private static async Task RunAsync(CliIO io, ParseResult parse, string path, int shots, ulong? seed, string backendName, bool withMetrics, string? noiseFrom, CancellationToken cancellationToken)
    {
        if (shots < 1 || shots > MaxShots)
        {
            throw new QuantumLmException(CliErrorCodes.Usage, $"--shots must be between 1 and {MaxShots}, got {shots}");
        }

        if (noiseFrom is not null)
        {
            await NoisyRun.RunAsync(io, path, shots, seed, backendName, withMetrics, noiseFrom, cancellationToken);
            return;
        }

        bool local = string.Equals(backendName, LocalSimulatorBackend.BackendName, StringComparison.Ordinal);
        Microsoft.Extensions.Configuration.IConfigurationSection ibm = BackendsCommand.IbmConfiguration();
        if (!local && string.IsNullOrWhiteSpace(ibm["ApiKey"]))
        {
            throw new QuantumLmException(QuantumLmErrorCodes.BackendNotFound,
                $"backend '{backendName}' is not available: only '{LocalSimulatorBackend.BackendName}' runs without IBM Quantum Runtime (set QuantumLM__Ibm__ApiKey and QuantumLM__Ibm__ServiceCrn)");
        }

        await using CliProgress progress = CliProgress.Start(io, parse, $"run {Path.GetFileName(path)}");
        string source = await CliIO.ReadFileAsync(path, MaxFileBytes, cancellationToken);
        QuantumCircuit circuit = QasmCircuitFactory.Create(source, Path.GetFileNameWithoutExtension(path));
        progress.Stage(local ? $"simulating {circuit.QubitCount} qubits, {shots} shots on {backendName}" : $"submitting {circuit.QubitCount} qubits, {shots} shots to {backendName}");
        ulong? usedSeed = local ? seed ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) : null;
        await using Microsoft.Extensions.DependencyInjection.ServiceProvider? provider = local ? null : BackendsCommand.BuildIbm(ibm);
        IQuantumBackend backend = local
            ? new LocalSimulatorBackend(Options.Create(new LocalSimulatorOptions()))
            : Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<QuantumLM.Quantum.Ibm.IbmRuntimeClient>(provider!).GetBackend(backendName);
        QuantumJobOperation job = await backend.SubmitAsync(circuit, new QuantumJobOptions { Shots = shots, Seed = usedSeed }, cancellationToken);
        QuantumJobResult result;
        try
        {
            result = await job.WaitForCompletionAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await job.CancelAsync(CancellationToken.None);
            throw;
        }

        var counts = new JsonObject();
        foreach (var (key, count) in result.Counts.Entries)
        {
            counts[QiskitKey(key, circuit.ClassicalRegisters)] = count;
        }

        var output = new JsonObject
        {
            ["backend"] = backend.Name,
            ["shots"] = result.Shots,
            ["seed"] = usedSeed,
            ["job_id"] = local ? null : job.Id,
            ["num_qubits"] = circuit.QubitCount,
            ["num_clbits"] = circuit.ClbitCount,
            ["counts"] = counts,
        };
        if (withMetrics)
        {
            progress.Stage("computing metrics against the noiseless distribution");
            // The ideal is the exact output distribution of the same circuit, without noise or sampling.
            ProbabilityDistribution ideal = new StatevectorSimulator().GetIdealDistribution(OpenQasmParser.Parse(source), cancellationToken);
            TensorMetrics m = new TensorMetricsCalculator().Compute(result.Counts, ideal, new TensorMetricsOptions { IdealSource = IdealSources.Statevector }, cancellationToken);
            output["metrics"] = TensorMetricsJson.ToJsonNode(m);
        }

        await io.WriteJsonAsync(output);
    }

    /// <summary>Splits a combined key (last register leftmost, no spaces) into registers joined by one space.</summary>
    internal static string QiskitKey(string combined, IReadOnlyList<ClassicalRegister> registers)
    {
        if (registers.Count <= 1)
        {
            return combined;
        }

        var parts = new List<string>(registers.Count);
        int position = 0;
        for (int r = registers.Count - 1; r >= 0; r--)
        {
            parts.Add(combined.Substring(position, registers[r].Width));
            position += registers[r].Width;
        }

        return string.Join(' ', parts);
    }
}
