using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using QuantumLM.Quantum.Circuits;
using QuantumLM.Quantum.OpenQasm;
using QuantumLM.Quantum.Simulation;

namespace QuantumLM.Quantum.Benchmarks.Simulation;

/// <summary>
/// qulacs' benchmark circuit (qulacs/benchmark-qulacs): RX/RZ rotation layers and a CNOT ring, 41·n gates
/// (n = 25: 1,025 gates). Published single-thread times: Qulacs 22.6 s and Qiskit Aer 23.6 s with fusion.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 2, invocationCount: 1)]
public class LayeredCircuitBenchmarks
{
    private Circuit _circuit = null!;
    private StatevectorSimulator _sim = null!;

    [Params(25)]
    public int Qubits { get; set; }

    /// <summary>0 = no fusion; k ≥ 1 = fusion up to k qubits (1 merges one-qubit chains only).</summary>
    [Params(0, 1, 2)]
    public int MaxFusedQubits { get; set; }

    [Params(2)]
    public int Threads { get; set; }

    public static string Build(int n, ulong seed)
    {
        var rng = new QuantumLM.Abstractions.SeededRandom(seed);
        var sb = new StringBuilder("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n").Append(CultureInfo.InvariantCulture, $"qreg q[{n}];\n");
        string A() => (rng.NextDouble() * 2 * Math.PI).ToString("R", CultureInfo.InvariantCulture);
        void Entangle()
        {
            for (int i = 0; i < n; i++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"cx q[{i}],q[{(i + 1) % n}];\n");
            }
        }

        for (int i = 0; i < n; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"rx({A()}) q[{i}];\nrz({A()}) q[{i}];\n");
        }

        Entangle();
        for (int d = 0; d < 9; d++)
        {
            for (int i = 0; i < n; i++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"rz({A()}) q[{i}];\nrx({A()}) q[{i}];\nrz({A()}) q[{i}];\n");
            }

            Entangle();
        }

        for (int i = 0; i < n; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"rz({A()}) q[{i}];\nrx({A()}) q[{i}];\n");
        }

        return sb.ToString();
    }

    [GlobalSetup]
    public void Setup()
    {
        _circuit = OpenQasmParser.Parse(Build(Qubits, 2024));
        if (_circuit.Operations.Length != 41 * Qubits)
        {
            throw new InvalidOperationException($"expected {41 * Qubits} gates, got {_circuit.Operations.Length}");
        }

        _sim = new StatevectorSimulator(
            new LocalSimulatorOptions { EnableFusion = MaxFusedQubits > 0, MaxFusedQubits = Math.Max(1, MaxFusedQubits) },
            new KernelSettings(KernelSettings.DetectSimd(), Threads, 14));
    }

    [Benchmark]
    public int Run()
    {
        var gates = _circuit.Operations.Cast<GateOperation>().ToList();
        using var state = new StateVector(_circuit.QubitCount);
        var kernels = new Kernels(state, _sim.Settings);
        List<SimGate> compiled = _sim.Compile(gates, _circuit.QubitCount);
        StatevectorSimulator.ApplyGates(compiled, kernels, CancellationToken.None);
        return compiled.Count;
    }
}
