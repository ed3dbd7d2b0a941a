using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Organisms;

/// <summary>The fitness of one organism.</summary>
/// <param name="Fitness">The fitness (higher is better), or <see langword="null"/> when not measured.</param>
/// <param name="Metrics">The metrics behind it, when any.</param>
[Experimental(OrganismsDiagnostics.Evolution)]
public sealed record FitnessResult(double? Fitness, TensorMetrics? Metrics);

/// <summary>Measures organisms for the evolution loop.</summary>
[Experimental(OrganismsDiagnostics.Evolution)]
public interface IOrganismFitness
{
    /// <summary>Measures one organism.</summary>
    /// <param name="organism">The organism.</param>
    /// <param name="seed">A seed derived from the run seed and the organism's DnaSha256.</param>
    /// <param name="cancellationToken">Cancels the measurement.</param>
    /// <returns>The fitness.</returns>
    ValueTask<FitnessResult> EvaluateAsync(Organism organism, ulong seed, CancellationToken cancellationToken = default);
}

/// <summary>Which metric ranks organisms in <see cref="CircuitFitness"/>.</summary>
[Experimental(OrganismsDiagnostics.Evolution)]
public enum FitnessMetric
{
    /// <summary>Λ, the Hellinger fidelity to the ideal (higher is better).</summary>
    Lambda = 0,

    /// <summary>−W₂, the negated 2-Wasserstein distance to the ideal (transport-based ranking).</summary>
    NegativeW2 = 1,
}

/// <summary>
/// Fitness from the metrics of each organism's circuit: the GHZₙ circuit of quantum_enhance run on a backend with the
/// organism's derived seed, scored against the exact GHZ ideal.
/// </summary>
[Experimental(OrganismsDiagnostics.Evolution)]
public sealed class CircuitFitness : IOrganismFitness
{
    private readonly IQuantumBackend _backend;
    private readonly ITensorMetricsCalculator _metrics;
    private readonly QuantumCircuit _circuit;
    private readonly ProbabilityDistribution _ideal;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="backend">The backend.</param>
    /// <param name="metrics">The metrics calculator.</param>
    /// <param name="qubits">n of GHZₙ (2 to 24).</param>
    /// <param name="shots">Shots per organism.</param>
    /// <param name="metric">The ranking metric.</param>
    public CircuitFitness(IQuantumBackend backend, ITensorMetricsCalculator metrics, int qubits = 5, int shots = 1024, FitnessMetric metric = FitnessMetric.Lambda)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentOutOfRangeException.ThrowIfLessThan(qubits, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(qubits, 24);
        ArgumentOutOfRangeException.ThrowIfLessThan(shots, 1);
        _backend = backend;
        _metrics = metrics;
        _circuit = QuantumEnhancer.CreateGhzCircuit(qubits);
        _ideal = QuantumEnhancer.CreateGhzIdeal(qubits);
        Shots = shots;
        Metric = metric;
    }

    /// <summary>Gets the shots per organism.</summary>
    public int Shots { get; }

    /// <summary>Gets the ranking metric.</summary>
    public FitnessMetric Metric { get; }

    /// <inheritdoc />
    public async ValueTask<FitnessResult> EvaluateAsync(Organism organism, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organism);
        var op = await _backend.SubmitAsync(_circuit, new QuantumJobOptions { Shots = Shots, Seed = seed, Tags = ["organism_fitness"] }, cancellationToken).ConfigureAwait(false);
        var result = await op.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
        var m = _metrics.Compute(result.Counts, _ideal);
        double? fitness = Metric == FitnessMetric.Lambda ? m.Lambda : -m.W2;
        return new FitnessResult(fitness, m);
    }
}

/// <summary>Builds <see cref="IOrganismFitness"/> instances.</summary>
[Experimental(OrganismsDiagnostics.Evolution)]
public static class OrganismFitness
{
    /// <summary>Wraps a caller-supplied fitness function (null = not measured).</summary>
    /// <param name="fitness">The function.</param>
    /// <returns>The fitness.</returns>
    public static IOrganismFitness FromFunction(Func<Organism, double?> fitness)
    {
        ArgumentNullException.ThrowIfNull(fitness);
        return new DelegateFitness(fitness);
    }

    private sealed class DelegateFitness(Func<Organism, double?> fitness) : IOrganismFitness
    {
        public ValueTask<FitnessResult> EvaluateAsync(Organism organism, ulong seed, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new FitnessResult(fitness(organism), null));
    }
}

/// <summary>Parameters of the population loop (defaults from dnalang-core's <c>GAConfig</c>).</summary>
[Experimental(OrganismsDiagnostics.Evolution)]
public sealed record EvolutionOptions
{
    /// <summary>Gets the population size (≥ 2).</summary>
    /// <value>The default is 48.</value>
    public int PopulationSize { get; init; } = 48;

    /// <summary>Gets the number of generations after the initial one (≥ 0).</summary>
    /// <value>The default is 60.</value>
    public int Generations { get; init; } = 60;

    /// <summary>Gets how many of the best organisms pass unchanged to the next generation (0 to PopulationSize − 1).</summary>
    /// <value>The default is 4.</value>
    public int Elite { get; init; } = 4;

    /// <summary>Gets the tournament size (≥ 1); entrants are drawn uniformly with replacement.</summary>
    /// <value>The default is 3.</value>
    public int Tournament { get; init; } = 3;

    /// <summary>Gets evolve's options; the rate is μ.</summary>
    /// <value>The default is μ = 0.12, σ = 0.2, multiplicative.</value>
    public EvolveOptions Evolve { get; init; } = new() { Rate = 0.12 };

    /// <summary>Gets crossover's options.</summary>
    /// <value>The default is uniform with p_mix = 0.5.</value>
    public CrossoverOptions Crossover { get; init; } = CrossoverOptions.Default;

    /// <summary>Gets the run seed: the same seed, seeds and fitness give the same run.</summary>
    /// <value>The default is 7.</value>
    public ulong Seed { get; init; } = 7;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(PopulationSize, 2, nameof(PopulationSize));
        ArgumentOutOfRangeException.ThrowIfNegative(Generations, nameof(Generations));
        ArgumentOutOfRangeException.ThrowIfNegative(Elite, nameof(Elite));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(Elite, PopulationSize, nameof(Elite));
        ArgumentOutOfRangeException.ThrowIfLessThan(Tournament, 1, nameof(Tournament));
        ArgumentNullException.ThrowIfNull(Evolve, nameof(Evolve));
        ArgumentNullException.ThrowIfNull(Crossover, nameof(Crossover));
        Evolve.Validate();
        Crossover.Validate();
    }
}

/// <summary>An organism of the population with its lineage record (which carries its fitness).</summary>
/// <param name="Organism">The organism.</param>
/// <param name="Lineage">Its lineage record.</param>
[Experimental(OrganismsDiagnostics.Evolution)]
public sealed record Individual(Organism Organism, LineageRecord Lineage);

/// <summary>
/// The statistics of one generation, as in the <c>evolution_history</c> table. Diversity is the mean, over all pairs, of
/// the normalized numeric-trait distance: for each gene.trait path holding a number in either organism, δ = 1 when only
/// one has it, else min(1, |a − b| / max(|a|, |b|)) (0 when both are 0); a pair's distance is the mean δ (0 with no paths).
/// </summary>
/// <param name="Generation">The generation (0 = initial population).</param>
/// <param name="PopulationSize">The population size.</param>
/// <param name="AverageFitness">The mean measured fitness, or <see langword="null"/> when none was measured.</param>
/// <param name="MaxFitness">The largest measured fitness.</param>
/// <param name="MinFitness">The smallest measured fitness.</param>
/// <param name="Diversity">The diversity score in [0, 1].</param>
/// <param name="BestDnaSha256">The DnaSha256 of the best organism.</param>
/// <param name="NewOrganisms">The number of children created in this generation.</param>
[Experimental(OrganismsDiagnostics.Evolution)]
public sealed record GenerationSummary(int Generation, int PopulationSize, double? AverageFitness, double? MaxFitness, double? MinFitness, double Diversity, string BestDnaSha256, int NewOrganisms);

/// <summary>The outcome of a run.</summary>
/// <param name="Population">The final population, best first.</param>
/// <param name="History">One summary per generation.</param>
/// <param name="Lineage">One record per organism created, in creation order.</param>
[Experimental(OrganismsDiagnostics.Evolution)]
public sealed record EvolutionResult(IReadOnlyList<Individual> Population, IReadOnlyList<GenerationSummary> History, IReadOnlyList<LineageRecord> Lineage);

/// <summary>
/// The population loop of organisms specification §6.3: elitism, tournament selection with replacement, and
/// child = self_heal(evolve(crossover(a, b))), with per-generation statistics, progress and cancellation. Every random
/// choice comes from the run seed, so the same inputs give the same run.
/// </summary>
[Experimental(OrganismsDiagnostics.Evolution)]
public sealed class EvolutionEngine
{
    private readonly IOrganismFitness _fitness;
    private readonly EvolutionOptions _options;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="fitness">Measures organisms.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    public EvolutionEngine(IOrganismFitness fitness, EvolutionOptions? options = null, ILogger<EvolutionEngine>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(fitness);
        _fitness = fitness;
        _options = options ?? new EvolutionOptions();
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Runs the loop. The seeds form the start of generation 0 (with inferred [0, 1] bounds written into them, so the
    /// bounds policy refers to the seed organisms); the rest of generation 0 are evolved copies of the seeds.
    /// </summary>
    /// <param name="seeds">One or more initial organisms.</param>
    /// <param name="progress">Receives each generation's summary, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run between organisms.</param>
    /// <returns>The final population, history and lineage.</returns>
    public async Task<EvolutionResult> RunAsync(IReadOnlyList<Organism> seeds, IProgress<GenerationSummary>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0)
        {
            throw new ArgumentException("At least one seed organism is needed.", nameof(seeds));
        }

        using var activity = OrganismsTelemetry.ActivitySource.StartActivity("evolution.run");
        var rng = new SeededRandom(_options.Seed);
        var evolveOptions = _options.Evolve with { InferUnitBounds = false };
        var cache = new Dictionary<string, FitnessResult>(StringComparer.Ordinal);
        var lineage = new List<LineageRecord>();
        var history = new List<GenerationSummary>();
        var population = new List<Individual>(_options.PopulationSize);
        for (int i = 0; i < _options.PopulationSize; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (i < seeds.Count)
            {
                ArgumentNullException.ThrowIfNull(seeds[i], nameof(seeds));
                var seedOrganism = OrganismBounds.WithInferredUnitBounds(seeds[i]);
                population.Add(new Individual(seedOrganism, LineageRecord.ForSeed(seedOrganism)));
            }
            else
            {
                var parent = population[i % seeds.Count];
                ulong s = rng.NextUInt64();
                var evolved = OrganismOperators.Evolve(parent.Organism, s, evolveOptions);
                var healed = OrganismOperators.SelfHeal(evolved.Child);
                population.Add(new Individual(healed.Child, LineageRecord.ForChild(healed.Child, OperatorNames.Evolve, [parent.Lineage], s, EvolveParameters(evolveOptions, healed.Report))));
            }
        }

        await EvaluateAsync(population, cache, cancellationToken).ConfigureAwait(false);
        lineage.AddRange(population.Select(static p => p.Lineage));
        population.Sort(Compare);
        Summarize(0, population, population.Count, history, progress);

        for (int generation = 1; generation <= _options.Generations; generation++)
        {
            var next = new List<Individual>(_options.PopulationSize);
            next.AddRange(population.Take(_options.Elite));
            while (next.Count < _options.PopulationSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var a = Tournament(population, rng);
                var b = Tournament(population, rng);
                ulong crossSeed = rng.NextUInt64();
                ulong evolveSeed = rng.NextUInt64();
                var crossed = OrganismOperators.Crossover(a.Organism, b.Organism, crossSeed, _options.Crossover);
                var evolved = OrganismOperators.Evolve(crossed.Child, evolveSeed, evolveOptions);
                var healed = OrganismOperators.SelfHeal(evolved.Child);
                var parameters = EvolveParameters(evolveOptions, healed.Report)
                    .Append(new("pipeline", "crossover>evolve>self_heal"))
                    .Append(new("crossover_mode", _options.Crossover.Mode == CrossoverMode.Uniform ? "uniform" : "onepoint"))
                    .Append(new("evolve_seed", evolveSeed.ToString(CultureInfo.InvariantCulture)));
                next.Add(new Individual(healed.Child, LineageRecord.ForChild(healed.Child, OperatorNames.Crossover, [a.Lineage, b.Lineage], crossSeed, parameters)));
            }

            var children = next.Skip(_options.Elite).ToList();
            await EvaluateAsync(children, cache, cancellationToken).ConfigureAwait(false);
            next.RemoveRange(_options.Elite, next.Count - _options.Elite);
            next.AddRange(children);
            lineage.AddRange(children.Select(static c => c.Lineage));
            next.Sort(Compare);
            population = next;
            Summarize(generation, population, children.Count, history, progress);
        }

        return new EvolutionResult(population, history, lineage);
    }

    /// <summary>Orders best first: higher fitness, unmeasured last, ties by the smaller DnaSha256.</summary>
    internal static int Compare(Individual x, Individual y)
    {
        double fx = x.Lineage.Fitness ?? double.NegativeInfinity;
        double fy = y.Lineage.Fitness ?? double.NegativeInfinity;
        int c = fy.CompareTo(fx);
        return c != 0 ? c : string.CompareOrdinal(x.Lineage.DnaSha256, y.Lineage.DnaSha256);
    }

    /// <summary>The diversity score defined on <see cref="GenerationSummary"/>.</summary>
    internal static double Diversity(IReadOnlyList<Organism> population)
    {
        if (population.Count < 2)
        {
            return 0;
        }

        var vectors = population.Select(static o =>
        {
            var d = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var g in o.Genes)
            {
                foreach (var e in g.Traits)
                {
                    if (e.Value is NumberTrait n)
                    {
                        d[g.Name + "." + e.Key] = n.Value;
                    }
                }
            }

            return d;
        }).ToArray();

        double total = 0;
        long pairs = 0;
        for (int i = 0; i < vectors.Length; i++)
        {
            for (int j = i + 1; j < vectors.Length; j++)
            {
                total += PairDistance(vectors[i], vectors[j]);
                pairs++;
            }
        }

        return total / pairs;
    }

    private static double PairDistance(Dictionary<string, double> x, Dictionary<string, double> y)
    {
        double sum = 0;
        int count = 0;
        foreach (var (key, a) in x)
        {
            count++;
            if (!y.TryGetValue(key, out double b))
            {
                sum += 1;
                continue;
            }

            double m = Math.Max(Math.Abs(a), Math.Abs(b));
            sum += m == 0 ? 0 : Math.Min(1, Math.Abs(a - b) / m);
        }

        foreach (var key in y.Keys)
        {
            if (!x.ContainsKey(key))
            {
                count++;
                sum += 1;
            }
        }

        return count == 0 ? 0 : sum / count;
    }

    private static IEnumerable<KeyValuePair<string, string>> EvolveParameters(EvolveOptions options, SelfHealReport heal) =>
    [
        new("rate", options.Rate.ToString("R", CultureInfo.InvariantCulture)),
        new("sigma", options.Sigma.ToString("R", CultureInfo.InvariantCulture)),
        new("mode", options.Mode == EvolveMode.Gaussian ? "gaussian" : "multiplicative"),
        new("self_heal_fixes", string.Join(",", heal.Fixes)),
    ];

    private Individual Tournament(List<Individual> ranked, SeededRandom rng)
    {
        Individual? best = null;
        for (int i = 0; i < _options.Tournament; i++)
        {
            var candidate = ranked[rng.NextInt32(0, ranked.Count)];
            if (best is null || Compare(candidate, best) < 0)
            {
                best = candidate;
            }
        }

        return best!;
    }

    private async Task EvaluateAsync(List<Individual> individuals, Dictionary<string, FitnessResult> cache, CancellationToken cancellationToken)
    {
        for (int i = 0; i < individuals.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ind = individuals[i];
            string sha = ind.Lineage.DnaSha256;
            if (!cache.TryGetValue(sha, out var result))
            {
                result = await _fitness.EvaluateAsync(ind.Organism, LineageRecord.SeedFromSha(_options.Seed, sha), cancellationToken).ConfigureAwait(false);
                cache[sha] = result;
            }

            individuals[i] = ind with { Lineage = ind.Lineage.WithFitness(result.Fitness, result.Metrics) };
        }
    }

    private void Summarize(int generation, List<Individual> population, int created, List<GenerationSummary> history, IProgress<GenerationSummary>? progress)
    {
        var measured = population.Where(static p => p.Lineage.Fitness is not null).Select(static p => p.Lineage.Fitness!.Value).ToArray();
        var summary = new GenerationSummary(
            generation,
            population.Count,
            measured.Length == 0 ? null : measured.Average(),
            measured.Length == 0 ? null : measured.Max(),
            measured.Length == 0 ? null : measured.Min(),
            Diversity(population.Select(static p => p.Organism).ToArray()),
            population[0].Lineage.DnaSha256,
            created);
        history.Add(summary);
        Log.GenerationCompleted(_logger, generation, summary.MaxFitness, summary.AverageFitness, summary.MinFitness, summary.Diversity);
        progress?.Report(summary);
    }
}

/// <summary>The numeric bounds policy of organisms specification §6.1.</summary>
public static class OrganismBounds
{
    /// <summary>
    /// Writes [0, 1] bounds into every gene trait that declares no bounds and whose value lies in [0, 1] (the policy
    /// for seed organisms; a GUESS of the specification, documented in the README).
    /// </summary>
    /// <param name="organism">The seed organism.</param>
    /// <returns>The organism with explicit bounds.</returns>
    public static Organism WithInferredUnitBounds(Organism organism)
    {
        ArgumentNullException.ThrowIfNull(organism);
        bool any = false;
        var genes = organism.Genes.Select(g =>
        {
            var traits = g.Traits;
            foreach (var e in g.Traits)
            {
                if (e.Value is NumberTrait { HasBounds: false } n && n.Value >= 0 && n.Value <= 1)
                {
                    traits = traits.With(e.Key, n.WithBounds(0, 1));
                    any = true;
                }
            }

            return ReferenceEquals(traits, g.Traits) ? g : g.WithTraits(traits);
        }).ToList();
        return any ? organism.WithGenes(genes) : organism;
    }
}
