using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Metrics;

/// <summary>
/// Computes the ΛΦ tensor metrics of the metrics specification §5 (version <c>std-1</c>): Λ (Hellinger fidelity,
/// equal to Qiskit's <c>hellinger_fidelity</c>), Γ = 1 − Λ, the Hellinger distance, Φ = total correlation/(n − 1),
/// <c>phi_entropy</c> = H(p̂)/n, and W₂ under the Hamming ground metric solved exactly as an integer min-cost flow.
/// Thread-safe and stateless; register it with <c>services.AddQuantumMetrics()</c>.
/// </summary>
public sealed class TensorMetricsCalculator : ITensorMetricsCalculator
{
    /// <summary>The <see cref="TensorMetrics.Reason"/> when the counts have no shots.</summary>
    public const string EmptyCountsReason = "empty_counts";

    /// <summary>The ground metric of W₂.</summary>
    public const string HammingGroundMetric = "hamming";

    /// <summary>Values smaller than this in magnitude are reported as 0.0 (§5.0.7).</summary>
    public const double ZeroThreshold = 1e-30;

    /// <inheritdoc />
    TensorMetrics ITensorMetricsCalculator.Compute(Counts counts, ProbabilityDistribution? ideal, TensorMetricsOptions? options) =>
        Compute(counts, ideal, options, CancellationToken.None);

    /// <summary>Computes the metrics (metrics specification §5, version <c>std-1</c>).</summary>
    /// <param name="counts">The measured counts.</param>
    /// <param name="ideal">The ideal distribution, or <see langword="null"/> (Λ, Γ, W₂ and the Hellinger distance are then null).</param>
    /// <param name="options">Options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels a long W₂ solve or bootstrap.</param>
    /// <returns>The metrics; unknown values are null, never 0.0.</returns>
    /// <exception cref="CountsValidationException">The ideal is narrower than the counts, or its surplus bits are not 0 (<c>width_mismatch</c>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative bootstrap count or W₂ budget.</exception>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "The calculator is an injectable service (ITensorMetricsCalculator).")]
    public TensorMetrics Compute(Counts counts, ProbabilityDistribution? ideal, TensorMetricsOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counts);
        options ??= TensorMetricsOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(options.BootstrapSamples);
        ArgumentOutOfRangeException.ThrowIfNegative(options.W2SupportBudget);

        // Validation first: a bad ideal is rejected even when the counts are empty (§5.0.7).
        ideal = ideal?.AlignTo(counts.Width);
        string source = ideal is null
            ? IdealSources.None
            : options.IdealSource ?? (ideal.ReferenceShots is not null ? IdealSources.ReferenceCounts : IdealSources.Distribution);

        using Activity? activity = QuantumTelemetry.ActivitySource.StartActivity("quantumlm.metrics.compute");
        activity?.SetTag("quantumlm.metrics.width", counts.Width);
        activity?.SetTag("quantumlm.metrics.distinct_outcomes", counts.Count);
        activity?.SetTag("quantumlm.metrics.ideal_source", source);

        var baseline = new TensorMetrics
        {
            Shots = counts.Shots,
            Width = counts.Width,
            DistinctOutcomes = counts.Count,
            IdealSource = source,
            IdealShots = ideal?.ReferenceShots,
            PhiMillerMadow = options.MillerMadow,
            W2GroundMetric = ideal is null ? null : HammingGroundMetric,
        };

        if (counts.IsEmpty)
        {
            return baseline with { Reason = EmptyCountsReason };
        }

        PackedCounts p = PackedCounts.From(counts);
        PackedIdeal? q = ideal is null ? null : PackedIdeal.From(ideal);
        CoreMetrics core = MetricsEngine.Compute(p, q, options.MillerMadow, options.W2SupportBudget, computeW2: true, cancellationToken);
        activity?.SetTag("quantumlm.metrics.w2_method", core.W2?.Method);

        MetricIntervals intervals = MetricIntervals.None;
        if (options.BootstrapSamples > 0)
        {
            intervals = MetricsBootstrap.Run(p, q, options, w2Defined: core.W2?.Value is not null, cancellationToken);
            intervals = new MetricIntervals(Clean(intervals.Lambda), Clean(intervals.Phi), Clean(intervals.W2));
        }

        double? w2 = Clean(core.W2?.Value);
        return baseline with
        {
            Phi = Clean(core.Phi),
            PhiEntropy = Clean(core.PhiEntropy),
            PhiUndersampled = counts.Count > counts.Shots / 10.0,
            Lambda = Clean(core.Lambda),
            Gamma = Clean(core.Gamma),
            HellingerDistance = Clean(core.Hellinger),
            W1MarginalLower = Clean(core.W1MarginalLower),
            W2 = w2,
            W2Normalized = w2 is double v ? Clean(v / counts.Width) : null,
            W2Method = core.W2?.Method,
            W2Discretization = core.W2?.Value is null ? null : core.W2?.Discretization,
            Ci95 = intervals,
        };
    }

    internal static double? Clean(double? value) => value is double v && Math.Abs(v) < ZeroThreshold ? 0.0 : value;

    private static ConfidenceInterval? Clean(ConfidenceInterval? interval) =>
        interval is ConfidenceInterval c ? new ConfidenceInterval(Clean(c.Low)!.Value, Clean(c.High)!.Value) : null;
}
