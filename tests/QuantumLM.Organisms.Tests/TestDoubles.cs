using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Organisms.Tests;

/// <summary>
/// A test-project backend that samples the ideal GHZ distribution (½ all zeros, ½ all ones) with a
/// <see cref="SeededRandom"/>, optionally with a bit-flip error rate; it checks that it was given a GHZ circuit.
/// Stands in for the real local simulator, which is built in parallel in QuantumLM.Quantum.
/// </summary>
internal sealed class GhzSamplingTestBackend(double flipProbability = 0, string name = "ghz-test") : IQuantumBackend
{
    public string Name { get; } = name;

    public int Submissions { get; private set; }

    public Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new BackendStatus(Name, true, "ok", 0, 24));

    public Task<QuantumJobOperation> SubmitAsync(QuantumCircuit circuit, QuantumJobOptions options, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Submissions++;
        int n = circuit.QubitCount;
        Assert.Contains("h q[0];", circuit.Source, StringComparison.Ordinal);
        Assert.Contains("measure q -> c;", circuit.Source, StringComparison.Ordinal);
        var rng = new SeededRandom(options.Seed ?? throw new InvalidOperationException("seed expected"));
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var bits = new char[n];
        for (int s = 0; s < options.Shots; s++)
        {
            char b = rng.NextDouble() < 0.5 ? '0' : '1';
            for (int i = 0; i < n; i++)
            {
                bits[i] = rng.NextDouble() < flipProbability ? (b == '0' ? '1' : '0') : b;
            }

            string key = new(bits);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        var c = Counts.FromCanonical(n, counts);
        var result = new QuantumJobResult { Counts = c, RegisterCounts = new Dictionary<string, Counts> { ["c"] = c }, Shots = options.Shots, Seed = options.Seed };
        return Task.FromResult<QuantumJobOperation>(new DoneOperation($"job-{Submissions}", Name, result));
    }

    public Task<QuantumJobOperation> AttachAsync(string backendJobId, CancellationToken cancellationToken = default) =>
        throw new QuantumLmException(QuantumLmErrorCodes.NotFound, "no such job");

    private sealed class DoneOperation(string id, string backend, QuantumJobResult result) : QuantumJobOperation
    {
        public override string Id => id;

        public override string BackendName => backend;

        public override QuantumJobStatus Status => QuantumJobStatus.Completed;

        public override Task<QuantumJobStatus> UpdateStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(Status);

        public override Task<QuantumJobResult> WaitForCompletionAsync(CancellationToken cancellationToken = default) => Task.FromResult(result);

        public override Task CancelAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}

/// <summary>A backend whose jobs fail, like an offline device.</summary>
internal sealed class FailingTestBackend : IQuantumBackend
{
    public string Name => "failing";

    public Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(new BackendStatus(Name, false, "down", null, null));

    public Task<QuantumJobOperation> SubmitAsync(QuantumCircuit circuit, QuantumJobOptions options, CancellationToken cancellationToken = default) =>
        throw new QuantumLmException(QuantumLmErrorCodes.BackendOffline, "backend 'failing' is offline", isTransient: true);

    public Task<QuantumJobOperation> AttachAsync(string backendJobId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}

/// <summary>
/// A simple reference metrics calculator for the tests (metrics.md §5): Φ = (Σₖ H(Xₖ) − H(X)) / (n − 1) in bits,
/// Λ = (Σ √(p̂·q))² (Hellinger fidelity), Γ = 1 − Λ. W₂ is left null. The real SIMD calculator lives in QuantumLM.Quantum.
/// </summary>
internal sealed class ReferenceMetricsCalculator : ITensorMetricsCalculator
{
    public TensorMetrics Compute(Counts counts, ProbabilityDistribution? ideal, TensorMetricsOptions? options = null)
    {
        if (counts.IsEmpty)
        {
            return new TensorMetrics { Reason = "empty_counts", Width = counts.Width };
        }

        int n = counts.Width;
        double total = counts.Shots;
        double joint = 0, marginals = 0;
        foreach (var (_, c) in counts.Entries)
        {
            double p = c / total;
            joint -= p * Math.Log2(p);
        }

        for (int k = 0; k < n; k++)
        {
            double p1 = counts.Entries.Where(e => e.Key[n - 1 - k] == '1').Sum(e => e.Value) / total;
            foreach (double p in new[] { p1, 1 - p1 })
            {
                marginals -= p > 0 ? p * Math.Log2(p) : 0;
            }
        }

        double? lambda = null;
        if (ideal is not null)
        {
            double bc = counts.Entries.Sum(e => Math.Sqrt(e.Value / total * ideal[e.Key]));
            lambda = bc * bc;
        }

        return new TensorMetrics
        {
            Phi = n < 2 ? null : (marginals - joint) / (n - 1),
            Lambda = lambda,
            Gamma = 1 - lambda,
            Shots = counts.Shots,
            Width = n,
            DistinctOutcomes = counts.Count,
            IdealSource = ideal is null ? IdealSources.None : IdealSources.Distribution,
        };
    }
}

/// <summary>A metrics calculator that fails, like a width mismatch.</summary>
internal sealed class ThrowingMetricsCalculator : ITensorMetricsCalculator
{
    public TensorMetrics Compute(Counts counts, ProbabilityDistribution? ideal, TensorMetricsOptions? options = null) =>
        throw new CountsValidationException(QuantumLmErrorCodes.WidthMismatch, "the ideal has width 3 but the counts have width 4");
}
