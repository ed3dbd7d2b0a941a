using Microsoft.Extensions.DependencyInjection;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Metrics;

namespace QuantumLM.Quantum.Tests.Metrics;

public sealed class RegistrationAndOracleTests
{
    [Fact]
    public void AddQuantumMetrics_ResolvesOneSingleton_AndKeepsAHostRegistration()
    {
        using ServiceProvider sp = new ServiceCollection().AddQuantumMetrics().AddQuantumMetrics().BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var calculator = sp.GetRequiredService<ITensorMetricsCalculator>();
        Assert.IsType<TensorMetricsCalculator>(calculator);
        Assert.Same(calculator, sp.GetRequiredService<ITensorMetricsCalculator>());

        var mine = new MyCalculator();
        using ServiceProvider custom = new ServiceCollection().AddSingleton<ITensorMetricsCalculator>(mine).AddQuantumMetrics().BuildServiceProvider();
        Assert.Same(mine, custom.GetRequiredService<ITensorMetricsCalculator>());
    }

    [Fact]
    public void HellingerFidelity_HandComputedLikeQiskit()
    {
        // Qiskit: p = {0: 1}, q = {0: ½, 1: ½}. total = (1 − √½)² + ½ = 0.585786…; H² = total/2 = 0.292893…;
        // hellinger_fidelity = (1 − H²)² = 0.5 (= BC² with BC = √½).
        var counts = Counts.Create(new Dictionary<string, long> { ["0"] = 7 });
        var ideal = ProbabilityDistribution.Create(new Dictionary<string, double> { ["0"] = 0.5, ["1"] = 0.5 });
        TensorMetrics m = new TensorMetricsCalculator().Compute(counts, ideal);
        Assert.Equal(0.5, m.Lambda!.Value, 1e-12);
        Assert.Equal(0.5, m.Gamma!.Value, 1e-12);
        Assert.Equal(Math.Sqrt(0.2928932188134524), m.HellingerDistance!.Value, 1e-12);
        Assert.Equal(Math.Sqrt(0.5), m.W2!.Value, 1e-12); // n = 1: √|p̂₁ − q₁|
    }

    private sealed class MyCalculator : ITensorMetricsCalculator
    {
        public TensorMetrics Compute(Counts counts, ProbabilityDistribution? ideal, TensorMetricsOptions? options = null) => new();
    }
}
