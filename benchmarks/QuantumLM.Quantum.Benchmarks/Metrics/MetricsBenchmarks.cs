using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Metrics;

namespace QuantumLM.Quantum.Benchmarks.Metrics;

/// <summary>Φ + entropy + marginals + Λ on the 50-bit, ≈20,500-support noisy-GHZ counts: SIMD kernels vs a scalar loop over the same packed data.</summary>
[MemoryDiagnoser]
[MinColumn]
[MaxColumn]
[ShortRunJob]
public class MetricsKernelBenchmarks
{
    private MetricsCase _case = null!;
    private double[] _p = null!;

    [GlobalSetup]
    public void Setup()
    {
        _case = MetricsCase.Create("50bit-1e5");
        _p = MetricsEngine.Probabilities(_case.P);
        Console.WriteLine($"// {_case}");
    }

    /// <summary>The production path over packed inputs (TensorPrimitives entropy and Hellinger, Vector512 marginals): Φ, H(p̂), the per-bit marginals, Λ, Γ and the Hellinger distance.</summary>
    [Benchmark]
    public double PhiEntropyMarginalsLambda_Simd()
    {
        long[] ones = MetricsEngine.MarginalCounts(_case.P);
        var (phi, entropy) = MetricsEngine.Phi(_case.P, millerMadow: false, ones);
        var (lambda, gamma, hellinger) = MetricsEngine.Fidelity(_case.P, _case.Q);
        return phi!.Value + entropy + lambda + gamma + hellinger;
    }

    /// <summary>The same work as plain scalar loops (Math.Log2 per entry, bit-by-bit marginals, scalar merge and sqrt).</summary>
    [Benchmark(Baseline = true)]
    public double PhiEntropyMarginalsLambda_Scalar() => ScalarMetrics.All(_case.P, _p, _case.Q);

    /// <summary>End to end from <see cref="Counts"/> (string keys): packing both sides, Φ, entropy, marginals, Λ, w1_marginal_lower; W₂ skipped.</summary>
    [Benchmark]
    public double EndToEnd_FromCounts_NoW2()
    {
        TensorMetrics m = new TensorMetricsCalculator().Compute(_case.Measured, _case.Ideal, new TensorMetricsOptions { W2SupportBudget = 0 });
        return m.Phi!.Value + m.Lambda!.Value;
    }
}

/// <summary>Counts from 1,000,000 raw 20-bit noisy-GHZ shots.</summary>
[MemoryDiagnoser]
[MinColumn]
[MaxColumn]
[ShortRunJob]
public class HistogramBenchmarks
{
    private ulong[] _samples = null!;

    [GlobalSetup]
    public void Setup() => _samples = NoisyGhz.Samples(20, 1_000_000, seed: 1);

    [Benchmark]
    public Counts FromSamples_1e6x20bit() => CountsHistogram.FromSamples(_samples, 20);
}

/// <summary>Exact W₂ (Hamming ground metric) between two noisy-GHZ count sets.</summary>
[MemoryDiagnoser]
[MinColumn]
[MaxColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class W2Benchmarks
{
    private MetricsCase _case = null!;

    [Params("20bit-1e5", "20bit-1e6", "50bit-1e5")]
    public string Case { get; set; } = "20bit-1e5";

    [GlobalSetup]
    public void Setup()
    {
        _case = MetricsCase.Create(Case);
        Console.WriteLine($"// {_case}");
    }

    [Benchmark]
    public double ExactW2() => MetricsEngine.W2(_case.P, _case.Q, long.MaxValue).Value!.Value;
}
