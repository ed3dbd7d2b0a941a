using System.Numerics;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using QuantumLM.Quantum.Simulation;

namespace QuantumLM.Quantum.Benchmarks.Simulation;

/// <summary>
/// One 1-qubit gate (a general U, all amplitudes read and written) and one CX (a swap of the half of the amplitudes
/// whose control is 1) against the memory bound measured in the same run: a plain in-place read+write stream over the
/// same 16·2^n bytes with the same thread count (the baseline). Ratio = time / stream time: 1.00 means the gate runs at
/// the in-place bandwidth bound.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 7, invocationCount: 1)]
[MemoryDiagnoser]
public unsafe class GateBandwidthBenchmarks
{
    private StateVector _state = null!;
    private Kernels _kernels = null!;
    private Complex[] _u = null!;

    [Params(24, 26)]
    public int Qubits { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _state = new StateVector(Qubits);
        _kernels = new Kernels(_state, new KernelSettings(KernelSettings.DetectSimd(), Threads, 14));
        double v = 1 / Math.Sqrt(_state.Length);
        for (long i = 0; i < _state.Length; i++)
        {
            _state.Data[2 * i] = v;
        }

        _u = QuantumLM.Quantum.Circuits.StandardGates.U(0.3, 0.2, 0.1);
    }

    [GlobalCleanup]
    public void Cleanup() => _state.Dispose();

    /// <summary>The bound: negate every double in place (read + write of all 16·2^n bytes), vectorised, same threads.</summary>
    [Benchmark(Baseline = true)]
    public void InPlaceStream()
    {
        double* p = _state.Data;
        long doubles = 2 * _state.Length;
        int threads = Threads;
        long per = doubles / threads;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            double* q = p + (t * per);
            double* end = q + per;
            for (; q < end; q += 8)
            {
                (-Vector512.Load(q)).Store(q);
            }
        });
    }

    [Benchmark]
    public void OneQubitGate_Target3() => _kernels.Controlled2x2([], 3, _u);

    [Benchmark]
    public void OneQubitGate_TargetHigh() => _kernels.Controlled2x2([], Qubits - 2, _u);

    [Benchmark]
    public void Cx_Control5_Target17() => _kernels.ControlledX([5], 17);
}
