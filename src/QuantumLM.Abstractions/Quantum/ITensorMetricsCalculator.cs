namespace QuantumLM.Abstractions.Quantum;

/// <summary>Computes the ΛΦ tensor metrics of measured counts against an optional ideal distribution.</summary>
/// <remarks>Implemented by <c>QuantumLM.Quantum</c>; consumed by agents and the organism engine through this interface.</remarks>
public interface ITensorMetricsCalculator
{
    /// <summary>Computes the metrics (metrics specification §5, version <c>std-1</c>).</summary>
    /// <param name="counts">The measured counts.</param>
    /// <param name="ideal">The ideal distribution, or <see langword="null"/> (Λ, Γ and W₂ are then null).</param>
    /// <param name="options">Options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The metrics; unknown values are null, never 0.0.</returns>
    /// <exception cref="CountsValidationException">The ideal's width does not match the counts' (<c>width_mismatch</c>).</exception>
    TensorMetrics Compute(Counts counts, ProbabilityDistribution? ideal, TensorMetricsOptions? options = null);
}

/// <summary>Options of one metrics computation.</summary>
public sealed record TensorMetricsOptions
{
    /// <summary>Gets the default options.</summary>
    public static TensorMetricsOptions Default { get; } = new();

    /// <summary>Gets whether entropies use the Miller–Madow bias correction.</summary>
    public bool MillerMadow { get; init; }

    /// <summary>Gets the number of percentile-bootstrap resamples for the 95 % intervals; 0 skips the bootstrap.</summary>
    public int BootstrapSamples { get; init; }

    /// <summary>Gets the bootstrap seed (the bootstrap is reproducible from it).</summary>
    public ulong BootstrapSeed { get; init; }

    /// <summary>Gets the label recorded as the ideal's source, or <see langword="null"/> to infer it (<c>reference_counts</c> when the ideal came from counts, otherwise <c>distribution</c>).</summary>
    public string? IdealSource { get; init; }

    /// <summary>Gets the largest |supp p̂| × |supp q| for which W₂ is solved exactly; above it W₂ is null with method <c>skipped_support_too_large</c>.</summary>
    /// <value>The default is 500,000,000.</value>
    public long W2SupportBudget { get; init; } = 500_000_000;
}
