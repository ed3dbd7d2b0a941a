using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using QuantumLM.Abstractions;
using QuantumLM.Quantum.Simulation;

namespace QuantumLM.Quantum.Benchmarks.Simulation;

/// <summary>Drawing 1,000,000 shots from a 24-qubit final state with every amplitude non-zero.</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
[MemoryDiagnoser]
public class SamplingBenchmarks
{
    private StateVector _state = null!;
    private Kernels _kernels = null!;

    [Params(24)]
    public int Qubits { get; set; }

    [Params(1_000_000)]
    public int Shots { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _state = new StateVector(Qubits);
        _kernels = new Kernels(_state, KernelSettings.Default);
        for (int q = 0; q < Qubits; q++)
        {
            _kernels.Controlled2x2([], q, QuantumLM.Quantum.Circuits.StandardGates.U(0.3 + (0.1 * q), 0.2, 0.1));
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _state.Dispose();

    [Benchmark]
    public int Sample() => Sampler.Sample(_state, _kernels, Shots, new SeededRandom(7)).Count;
}
