namespace QuantumLM.Organisms;

/// <summary>The outcome of one operator: the child organism and the operator's report.</summary>
/// <typeparam name="TReport">The report type.</typeparam>
/// <param name="Child">The child organism.</param>
/// <param name="Report">What the operator did.</param>
public sealed record OperatorResult<TReport>(Organism Child, TReport Report)
    where TReport : class;

/// <summary>The names of the operators, as recorded in reports and lineage.</summary>
public static class OperatorNames
{
    /// <summary>An initial organism with no parents.</summary>
    public const string Seed = "seed";

    /// <summary>Numeric trait mutation.</summary>
    public const string Evolve = "evolve";

    /// <summary>Gene-aligned recombination of two parents.</summary>
    public const string Crossover = "crossover";

    /// <summary>Evolve with a rate set from a GHZ run's Φ.</summary>
    public const string QuantumEnhance = "quantum_enhance";

    /// <summary>Repair of a broken genome.</summary>
    public const string SelfHeal = "self_heal";
}

/// <summary>How <see cref="OrganismOperators.Evolve"/> perturbs a number.</summary>
public enum EvolveMode
{
    /// <summary>v' = v·(1 + U(−σ, σ)); a zero moves to U(−σ, σ)·s.</summary>
    Multiplicative = 0,

    /// <summary>v' = v + N(0, σ·s).</summary>
    Gaussian = 1,
}

/// <summary>Parameters of evolve (organisms specification §6.2).</summary>
public sealed record EvolveOptions
{
    /// <summary>Gets the default options.</summary>
    public static EvolveOptions Default { get; } = new();

    /// <summary>Gets the per-trait mutation probability μ, in [0, 1].</summary>
    /// <value>The default is 0.1.</value>
    public double Rate { get; init; } = 0.1;

    /// <summary>Gets σ, the relative (multiplicative) or scaled absolute (gaussian) step size; ≥ 0.</summary>
    /// <value>The default is 0.2.</value>
    public double Sigma { get; init; } = 0.2;

    /// <summary>Gets the mutation mode.</summary>
    /// <value>The default is <see cref="EvolveMode.Multiplicative"/>.</value>
    public EvolveMode Mode { get; init; } = EvolveMode.Multiplicative;

    /// <summary>Gets whether boolean traits flip with probability μ.</summary>
    /// <value>The default is <see langword="false"/> (the original platform never changed booleans).</value>
    public bool FlipBooleans { get; init; }

    /// <summary>
    /// Gets whether a number with no declared bounds whose value lies in [0, 1] in the input organism is treated as
    /// bounded to [0, 1] (the input is taken to be the seed organism; the inferred bounds are not written to the child).
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool InferUnitBounds { get; init; } = true;

    internal void Validate()
    {
        if (!(Rate >= 0 && Rate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Rate), Rate, "The mutation rate must be in [0, 1].");
        }

        if (!(Sigma >= 0) || !double.IsFinite(Sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(Sigma), Sigma, "Sigma must be finite and non-negative.");
        }

        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Unknown evolve mode.");
        }
    }
}

/// <summary>One trait that evolve actually changed.</summary>
/// <param name="Gene">The gene name.</param>
/// <param name="Trait">The trait key.</param>
/// <param name="Before">The old value.</param>
/// <param name="After">The new value.</param>
public sealed record TraitChange(string Gene, string Trait, TraitValue Before, TraitValue After);

/// <summary>What evolve did.</summary>
public sealed record EvolveReport
{
    /// <summary>Gets the operator name, <c>evolve</c>.</summary>
    public string Operator { get; init; } = OperatorNames.Evolve;

    /// <summary>Gets the seed of the xoshiro256** generator.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Gets the options used.</summary>
    public required EvolveOptions Options { get; init; }

    /// <summary>Gets the traits whose value really changed, in genome order.</summary>
    public required IReadOnlyList<TraitChange> ChangedTraits { get; init; }

    /// <summary>Gets the number of traits whose value really changed.</summary>
    public int Changes => ChangedTraits.Count;
}

/// <summary>How crossover recombines aligned genes.</summary>
public enum CrossoverMode
{
    /// <summary>Per shared trait, take the first parent's value with probability p_mix.</summary>
    Uniform = 0,

    /// <summary>Genes before the cut k = ⌊c·L⌋ from the first parent, the rest from the second.</summary>
    OnePoint = 1,
}

/// <summary>Parameters of crossover (organisms specification §6.2).</summary>
public sealed record CrossoverOptions
{
    /// <summary>Gets the default options.</summary>
    public static CrossoverOptions Default { get; } = new();

    /// <summary>Gets the mode.</summary>
    /// <value>The default is <see cref="CrossoverMode.Uniform"/>.</value>
    public CrossoverMode Mode { get; init; } = CrossoverMode.Uniform;

    /// <summary>Gets p_mix, the probability of taking the first parent's value of a shared trait (uniform mode), in [0, 1].</summary>
    /// <value>The default is 0.5.</value>
    public double MixProbability { get; init; } = 0.5;

    /// <summary>Gets the cut point c in [0, 1] (one-point mode).</summary>
    /// <value>The default is 0.5.</value>
    public double Point { get; init; } = 0.5;

    internal void Validate()
    {
        if (!(MixProbability >= 0 && MixProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MixProbability), MixProbability, "p_mix must be in [0, 1].");
        }

        if (!(Point >= 0 && Point <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Point), Point, "The crossover point must be in [0, 1].");
        }

        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Unknown crossover mode.");
        }
    }
}

/// <summary>What crossover did.</summary>
public sealed record CrossoverReport
{
    /// <summary>Gets the operator name, <c>crossover</c>.</summary>
    public string Operator { get; init; } = OperatorNames.Crossover;

    /// <summary>Gets the seed.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Gets the options used.</summary>
    public required CrossoverOptions Options { get; init; }

    /// <summary>Gets the cut index k (one-point mode), or <see langword="null"/>.</summary>
    public int? Cut { get; init; }

    /// <summary>Gets the genes inherited whole from the first parent.</summary>
    public required IReadOnlyList<string> GenesFromFirst { get; init; }

    /// <summary>Gets the genes inherited whole from the second parent.</summary>
    public required IReadOnlyList<string> GenesFromSecond { get; init; }

    /// <summary>Gets the genes whose traits were mixed (uniform mode).</summary>
    public required IReadOnlyList<string> GenesMixed { get; init; }

    /// <summary>Gets the number of shared traits taken from the first parent in mixed genes.</summary>
    public int SharedTraitsFromFirst { get; init; }

    /// <summary>Gets the number of shared traits taken from the second parent in mixed genes.</summary>
    public int SharedTraitsFromSecond { get; init; }
}

/// <summary>What self_heal repaired.</summary>
public sealed record SelfHealReport
{
    /// <summary>Gets the operator name, <c>self_heal</c>.</summary>
    public string Operator { get; init; } = OperatorNames.SelfHeal;

    /// <summary>
    /// Gets the repairs actually applied, in order: <c>decode_utf8</c>, <c>add_header</c>, <c>balance_braces</c>,
    /// <c>close_string:L:C</c>, <c>skip_invalid:L:C</c>, <c>dedupe_section:S</c>, <c>dedupe_gene:G</c>,
    /// <c>dedupe_block:G.TRAITS</c>, <c>dedupe_trait:G.K</c>, <c>dedupe_key:PATH.K</c>, <c>remove_nonfinite:PATH.K</c>,
    /// <c>add_section:S</c>, <c>clamp:G.K</c>. Empty when the input needed no repair.
    /// </summary>
    public required IReadOnlyList<string> Fixes { get; init; }
}
