using Microsoft.Extensions.DependencyInjection;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Organisms;

namespace QuantumLM.Organisms.Tests;

public sealed class QuantumEnhanceTests
{
    private static readonly Organism Aura = DnaText.Parse(DnaTextTests.Fixture("aura_research_001.dna"));

    [Fact]
    public void GhzCircuit_IsTheOpenQasm2TextOfHThenCxThenMeasure()
    {
        var c = QuantumEnhancer.CreateGhzCircuit(3);
        Assert.Equal("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c[3];\nh q[0];\ncx q[0],q[1];\ncx q[0],q[2];\nmeasure q -> c;\n", c.Source);
        Assert.Equal(CircuitLanguage.OpenQasm2, c.Language);
        Assert.Equal(3, c.QubitCount);
        Assert.Equal(3, c.ClbitCount);
        var ideal = QuantumEnhancer.CreateGhzIdeal(3);
        Assert.Equal(0.5, ideal["000"]);
        Assert.Equal(0.5, ideal["111"]);
        Assert.Equal(2, ideal.Count);
    }

    [Theory]
    [InlineData(0.0, 3)]
    [InlineData(0.05, 3)]
    [InlineData(0.2, 5)]
    public async Task Enhance_SetsMuFromPhi_AndEvolvesWithTheCallersSeed(double flip, int qubits)
    {
        var backend = new GhzSamplingTestBackend(flip);
        var metrics = new ReferenceMetricsCalculator();
        var options = new QuantumEnhanceOptions { Qubits = qubits, Shots = 2048 };
        var r = await OrganismOperators.QuantumEnhanceAsync(Aura, backend, metrics, 77, options);

        // Reference: the same sampling, the reference metrics, μ = clamp(0.5·Φ, 0.01, 0.5), evolve with seed 77.
        var op = await new GhzSamplingTestBackend(flip).SubmitAsync(QuantumEnhancer.CreateGhzCircuit(qubits), new QuantumJobOptions { Shots = 2048, Seed = 77 });
        var counts = (await op.WaitForCompletionAsync()).Counts;
        double phi = metrics.Compute(counts, QuantumEnhancer.CreateGhzIdeal(qubits)).Phi!.Value;
        double mu = Math.Clamp(0.5 * phi, 0.01, 0.5);
        Assert.Equal(mu, r.Report.Mu);
        Assert.Equal(OrganismOperators.Evolve(Aura, 77, new EvolveOptions { Rate = mu }).Child, r.Child);
        Assert.Equal("quantum_enhance", r.Report.Operator);
        Assert.Equal("completed", r.Report.Status);
        Assert.False(r.Report.Fallback);
        Assert.Null(r.Report.FailureReason);
        Assert.Equal("ghz-test", r.Report.Backend);
        Assert.Equal("job-1", r.Report.JobId);
        Assert.Equal(phi, r.Report.Metrics!.Phi);
        Assert.Equal(mu, r.Report.Evolve.Options.Rate);
        if (flip == 0)
        {
            Assert.InRange(phi, 0.99, 1.0); // an ideal GHZ sample: Φ = h(fraction of ones) ≈ 1
            Assert.Equal(1.0, r.Report.Metrics.Lambda!.Value, 2);
        }
        else
        {
            Assert.True(mu < 0.5);
        }
    }

    [Fact]
    public async Task Lineage_RecordsMetricsBackendJobAndMu()
    {
        var parent = LineageRecord.ForSeed(Aura);
        var r = await OrganismOperators.QuantumEnhanceAsync(Aura, new GhzSamplingTestBackend(), new ReferenceMetricsCalculator(), 12);
        var record = LineageRecord.ForQuantumEnhance(r.Child, parent, r.Report);
        Assert.Equal("quantum_enhance", record.Operator);
        Assert.Equal(1, record.Generation);
        Assert.Same(r.Report.Metrics, record.Metrics);
        Assert.Null(record.Fitness);
        Assert.Equal(new RngInfo("xoshiro256**", 12), record.Rng);
        var p = record.Parameters.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal("ghz-test", p["backend"]);
        Assert.Equal("job-1", p["job_id"]);
        Assert.Equal(r.Report.Mu.ToString("R", System.Globalization.CultureInfo.InvariantCulture), p["mu"]);
        Assert.Equal("false", p["fallback"]);

        var fb = await OrganismOperators.QuantumEnhanceAsync(Aura, new FailingTestBackend(), new ReferenceMetricsCalculator(), 12, new QuantumEnhanceOptions { OnFailure = QuantumFailurePolicy.Evolve });
        var fbRecord = LineageRecord.ForQuantumEnhance(fb.Child, parent, fb.Report);
        Assert.Equal("evolve", fbRecord.Operator);
        Assert.Contains(new KeyValuePair<string, string>("fallback", "true"), fbRecord.Parameters);
    }

    [Fact]
    public async Task Enhance_SameSeed_SameChildAndReport()
    {
        var a = await OrganismOperators.QuantumEnhanceAsync(Aura, new GhzSamplingTestBackend(0.1), new ReferenceMetricsCalculator(), 5);
        var b = await OrganismOperators.QuantumEnhanceAsync(Aura, new GhzSamplingTestBackend(0.1), new ReferenceMetricsCalculator(), 5);
        Assert.Equal(a, b);
    }

    [Fact]
    public async Task BackendFailure_IsAnError_ByDefault()
    {
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => OrganismOperators.QuantumEnhanceAsync(Aura, new FailingTestBackend(), new ReferenceMetricsCalculator(), 1));
        Assert.Equal(QuantumLmErrorCodes.BackendOffline, ex.ErrorCode);
        Assert.True(ex.IsTransient);
        Assert.Equal("quantum_enhance on backend 'failing' failed: backend 'failing' is offline", ex.Message);
    }

    [Fact]
    public async Task MetricsFailure_IsAnError_WithItsCode()
    {
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => OrganismOperators.QuantumEnhanceAsync(Aura, new GhzSamplingTestBackend(), new ThrowingMetricsCalculator(), 1));
        Assert.Equal(QuantumLmErrorCodes.WidthMismatch, ex.ErrorCode);
    }

    [Fact]
    public async Task BackendFailure_WithOptInFallback_IsMarkedInTheReport()
    {
        var r = await OrganismOperators.QuantumEnhanceAsync(Aura, new FailingTestBackend(), new ReferenceMetricsCalculator(), 9, new QuantumEnhanceOptions { OnFailure = QuantumFailurePolicy.Evolve });
        Assert.True(r.Report.Fallback);
        Assert.Equal("evolve", r.Report.Operator);
        Assert.Equal("fallback", r.Report.Status);
        Assert.Equal("backend 'failing' is offline", r.Report.FailureReason);
        Assert.Null(r.Report.Metrics);
        Assert.Equal(0.1, r.Report.Mu);
        Assert.Equal(OrganismOperators.Evolve(Aura, 9, new EvolveOptions { Rate = 0.1 }).Child, r.Child);
    }

    [Fact]
    public async Task Cancellation_IsNeverTurnedIntoAFallback()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => OrganismOperators.QuantumEnhanceAsync(Aura, new GhzSamplingTestBackend(), new ReferenceMetricsCalculator(), 1, new QuantumEnhanceOptions { OnFailure = QuantumFailurePolicy.Evolve }, cancellationToken: cts.Token));
    }

    [Theory]
    [InlineData(1, 1024)]
    [InlineData(25, 1024)]
    [InlineData(3, 0)]
    public async Task InvalidOptions_AreRejected(int qubits, int shots) =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => OrganismOperators.QuantumEnhanceAsync(Aura, new GhzSamplingTestBackend(), new ReferenceMetricsCalculator(), 1, new QuantumEnhanceOptions { Qubits = qubits, Shots = shots }));

    [Fact]
    public async Task Enhancer_FromDependencyInjection_ResolvesBackendsByName()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IQuantumBackendProvider>(new TestProvider(new GhzSamplingTestBackend(name: "local")));
        services.AddSingleton<ITensorMetricsCalculator, ReferenceMetricsCalculator>();
        services.AddQuantumLmOrganisms();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var enhancer = provider.GetRequiredService<QuantumEnhancer>();
        var r = await enhancer.EnhanceAsync(Aura, "local", 3);
        Assert.Equal("local", r.Report.Backend);
        var ex = Assert.Throws<QuantumLmException>(() => { _ = enhancer.EnhanceAsync(Aura, "ibm_nowhere", 3); });
        Assert.Equal(QuantumLmErrorCodes.BackendNotFound, ex.ErrorCode);
    }

    private sealed class TestProvider(IQuantumBackend backend) : IQuantumBackendProvider
    {
        public Task<IReadOnlyList<BackendStatus>> GetBackendsAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<BackendStatus>>([new BackendStatus(backend.Name, true, "ok", 0, 24)]);

        public IQuantumBackend GetBackend(string name) =>
            name == backend.Name ? backend : throw new QuantumLmException(QuantumLmErrorCodes.BackendNotFound, $"no backend named '{name}'");
    }
}
