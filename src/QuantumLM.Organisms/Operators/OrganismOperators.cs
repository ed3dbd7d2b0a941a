using Microsoft.Extensions.Logging;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Organisms;

/// <summary>
/// The seeded genome operators of organisms specification §6.2: evolve, crossover and self_heal (quantum_enhance,
/// which needs a backend, is <see cref="QuantumEnhancer"/>). Every random choice comes from a xoshiro256**
/// <see cref="SeededRandom"/> built from the given seed, so the same inputs and seed always give the same child and report.
/// </summary>
public static class OrganismOperators
{
    /// <summary>Mutates the numeric traits of every gene (and booleans when asked).</summary>
    /// <param name="organism">The parent.</param>
    /// <param name="seed">The generator seed.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults (μ = 0.1, σ = 0.2, multiplicative).</param>
    /// <returns>The child and a report whose <see cref="EvolveReport.ChangedTraits"/> lists the traits that really changed.</returns>
    public static OperatorResult<EvolveReport> Evolve(Organism organism, ulong seed, EvolveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(organism);
        options ??= EvolveOptions.Default;
        options.Validate();
        var rng = new SeededRandom(seed);
        var changes = new List<TraitChange>();
        var genes = new List<Gene>(organism.Genes.Count);
        foreach (var gene in organism.Genes)
        {
            var traits = gene.Traits;
            foreach (var entry in gene.Traits)
            {
                TraitValue? after = entry.Value switch
                {
                    NumberTrait n => rng.NextDouble() < options.Rate ? MutateNumber(n, rng, options) : null,
                    BooleanTrait b when options.FlipBooleans => rng.NextDouble() < options.Rate ? new BooleanTrait(!b.Value) : null,
                    _ => null,
                };

                if (after is not null && after != entry.Value)
                {
                    traits = traits.With(entry.Key, after);
                    changes.Add(new TraitChange(gene.Name, entry.Key, entry.Value, after));
                }
            }

            genes.Add(ReferenceEquals(traits, gene.Traits) ? gene : gene.WithTraits(traits));
        }

        var child = changes.Count == 0 ? organism : organism.WithGenes(genes);
        return new(child, new EvolveReport { Seed = seed, Options = options, ChangedTraits = ValueList<TraitChange>.From(changes) });
    }

    /// <summary>
    /// quantum_enhance: runs GHZₙ on <paramref name="backend"/> (seeded with <paramref name="seed"/>), computes the metrics
    /// against the exact ideal {0ⁿ: ½, 1ⁿ: ½}, sets μ = clamp(μ_max·Φ, μ_min, μ_max) and evolves with the same seed.
    /// No silent fallback: a failure throws unless <see cref="QuantumEnhanceOptions.OnFailure"/> asks for evolve, and
    /// then the report says <c>fallback: true</c>.
    /// </summary>
    /// <param name="organism">The parent.</param>
    /// <param name="backend">The backend.</param>
    /// <param name="metrics">The metrics calculator.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults (n = 3, 1024 shots, μ_max = 0.5).</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run (cancellation is never turned into a fallback).</param>
    /// <returns>The child and the report.</returns>
    /// <exception cref="QuantumLmException">The run failed and <see cref="QuantumEnhanceOptions.OnFailure"/> is <see cref="QuantumFailurePolicy.Error"/>; the code is the backend's or <c>job_failed</c>.</exception>
    public static Task<OperatorResult<QuantumEnhanceReport>> QuantumEnhanceAsync(Organism organism, IQuantumBackend backend, ITensorMetricsCalculator metrics, ulong seed, QuantumEnhanceOptions? options = null, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        QuantumEnhancer.RunAsync(organism, backend, metrics, seed, options, logger, cancellationToken);

    /// <summary>Recombines two parents gene by gene (aligned by name); the child's other sections come from <paramref name="first"/>.</summary>
    /// <param name="first">Parent a.</param>
    /// <param name="second">Parent b.</param>
    /// <param name="seed">The generator seed.</param>
    /// <param name="options">The options, or <see langword="null"/> for uniform with p_mix = 0.5.</param>
    /// <returns>The child and a report.</returns>
    public static OperatorResult<CrossoverReport> Crossover(Organism first, Organism second, ulong seed, CrossoverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        options ??= CrossoverOptions.Default;
        options.Validate();
        var rng = new SeededRandom(seed);
        var aByName = first.Genes.ToDictionary(static g => g.Name, StringComparer.Ordinal);
        var bByName = second.Genes.ToDictionary(static g => g.Name, StringComparer.Ordinal);
        var aligned = first.Genes.Select(static g => g.Name).Concat(second.Genes.Select(static g => g.Name).Where(n => !aByName.ContainsKey(n))).ToList();
        var fromFirst = new List<string>();
        var fromSecond = new List<string>();
        var mixed = new List<string>();
        var genes = new List<Gene>(aligned.Count);
        int sharedA = 0, sharedB = 0;
        int? cut = null;
        if (options.Mode == CrossoverMode.OnePoint)
        {
            int length = aligned.Count;
            int k = (int)Math.Floor(options.Point * length);
            if (length >= 2)
            {
                k = Math.Clamp(k, 1, length - 1);
            }

            cut = k;
            for (int i = 0; i < length; i++)
            {
                string name = aligned[i];
                bool preferFirst = i < k;
                aByName.TryGetValue(name, out var ga);
                bByName.TryGetValue(name, out var gb);
                var chosen = preferFirst ? ga ?? gb! : gb ?? ga!;
                genes.Add(chosen);
                (ReferenceEquals(chosen, ga) ? fromFirst : fromSecond).Add(name);
            }
        }
        else
        {
            foreach (string name in aligned)
            {
                bool inA = aByName.TryGetValue(name, out var ga);
                bool inB = bByName.TryGetValue(name, out var gb);
                if (inA && inB)
                {
                    genes.Add(MixGene(ga!, gb!, rng, options.MixProbability, ref sharedA, ref sharedB));
                    mixed.Add(name);
                }
                else if (inA)
                {
                    genes.Add(ga!);
                    fromFirst.Add(name);
                }
                else
                {
                    genes.Add(gb!);
                    fromSecond.Add(name);
                }
            }
        }

        var child = first.Genome is null && genes.Count == 0 ? first : first.WithGenes(genes);
        return new(child, new CrossoverReport
        {
            Seed = seed,
            Options = options,
            Cut = cut,
            GenesFromFirst = ValueList<string>.From(fromFirst),
            GenesFromSecond = ValueList<string>.From(fromSecond),
            GenesMixed = ValueList<string>.From(mixed),
            SharedTraitsFromFirst = sharedA,
            SharedTraitsFromSecond = sharedB,
        });
    }

    /// <summary>Repairs broken DNALang text with an error-tolerant parse, then repairs the model (<see cref="SelfHeal(Organism)"/>).</summary>
    /// <param name="text">The text, possibly broken.</param>
    /// <param name="options">Limits, or <see langword="null"/> for the defaults.</param>
    /// <returns>A valid organism and the repairs applied (empty when none were needed).</returns>
    /// <exception cref="DnaSyntaxException">The text exceeds <see cref="DnaParseOptions.MaxInputLength"/>.</exception>
    public static OperatorResult<SelfHealReport> SelfHeal(string text, DnaParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= DnaParseOptions.Default;
        options.Validate();
        DnaText.CheckLength(text.Length, options, "characters");
        return SelfHealCore(text, options, null);
    }

    /// <summary>Repairs broken DNALang text given as UTF-8 bytes (invalid sequences become U+FFFD, fix <c>decode_utf8</c>).</summary>
    /// <param name="utf8">The bytes.</param>
    /// <param name="options">Limits, or <see langword="null"/> for the defaults.</param>
    /// <returns>A valid organism and the repairs applied.</returns>
    /// <exception cref="DnaSyntaxException">The input exceeds <see cref="DnaParseOptions.MaxInputLength"/>.</exception>
    public static OperatorResult<SelfHealReport> SelfHealUtf8(ReadOnlySpan<byte> utf8, DnaParseOptions? options = null)
    {
        options ??= DnaParseOptions.Default;
        options.Validate();
        string text = DnaText.DecodeTolerant(utf8, options, out bool replaced);
        return SelfHealCore(text, options, replaced ? "decode_utf8" : null);
    }

    /// <summary>
    /// Repairs a model: adds missing DNA, GENOME and QUANTUM sections (<c>add_section:S</c>) and clamps gene traits
    /// outside their declared bounds (<c>clamp:G.K</c>). Idempotent: a second call reports no fixes.
    /// </summary>
    /// <param name="organism">The organism.</param>
    /// <returns>The repaired organism and the repairs applied.</returns>
    public static OperatorResult<SelfHealReport> SelfHeal(Organism organism)
    {
        ArgumentNullException.ThrowIfNull(organism);
        var fixes = new List<string>();
        return new(HealModel(organism, fixes), new SelfHealReport { Fixes = ValueList<string>.From(fixes) });
    }

    private static OperatorResult<SelfHealReport> SelfHealCore(string text, DnaParseOptions options, string? firstFix)
    {
        var organism = DnaParser.ParseTolerant(text, options, out var parseFixes);
        var fixes = new List<string>();
        if (firstFix is not null)
        {
            fixes.Add(firstFix);
        }

        fixes.AddRange(parseFixes);
        return new(HealModel(organism, fixes), new SelfHealReport { Fixes = ValueList<string>.From(fixes) });
    }

    private static Organism HealModel(Organism organism, List<string> fixes)
    {
        var sections = organism.Sections.ToList();
        foreach (string keyword in (ReadOnlySpan<string>)[DnaKeywords.Dna, DnaKeywords.Genome, DnaKeywords.Quantum])
        {
            if (!sections.Any(s => s.Keyword == keyword))
            {
                sections.Add(keyword == DnaKeywords.Genome ? new GenomeSection() : new MapSection(keyword));
                fixes.Add($"add_section:{keyword}");
            }
        }

        bool changed = sections.Count != organism.Sections.Count;
        for (int i = 0; i < sections.Count; i++)
        {
            if (sections[i] is not GenomeSection genome)
            {
                continue;
            }

            var genes = genome.Genes.ToList();
            bool genomeChanged = false;
            for (int g = 0; g < genes.Count; g++)
            {
                var traits = genes[g].Traits;
                foreach (var entry in genes[g].Traits)
                {
                    if (entry.Value is NumberTrait n && !n.IsInRange)
                    {
                        traits = traits.With(entry.Key, Clamp(n));
                        fixes.Add($"clamp:{genes[g].Name}.{entry.Key}");
                    }
                }

                if (!ReferenceEquals(traits, genes[g].Traits))
                {
                    genes[g] = genes[g].WithTraits(traits);
                    genomeChanged = true;
                }
            }

            if (genomeChanged)
            {
                sections[i] = genome.WithGenes(genes);
                changed = true;
            }
        }

        return changed ? organism.WithSections(sections) : organism;
    }

    /// <summary>Clamps into [Min, Max]; an integer goes to the nearest integer inside, or loses its bounds when none exists.</summary>
    private static NumberTrait Clamp(NumberTrait n)
    {
        double v = n.Value;
        if (n.Min is double lo && v < lo)
        {
            v = n.IsInteger ? Math.Ceiling(lo) : lo;
        }

        if (n.Max is double hi && v > hi)
        {
            v = n.IsInteger ? Math.Floor(hi) : hi;
        }

        if (n.IsInteger && Math.Abs(v) > NumberTrait.MaxSafeInteger)
        {
            return new NumberTrait(n.Value, isInteger: true); // no representable integer inside the bounds
        }

        var clamped = n.WithValue(v);
        return clamped.IsInRange ? clamped : new NumberTrait(v, n.IsInteger);
    }

    private static Gene MixGene(Gene a, Gene b, SeededRandom rng, double pMix, ref int sharedA, ref int sharedB)
    {
        var entries = new List<PropertyEntry>(a.Traits.Count + b.Traits.Count);
        foreach (var ea in a.Traits)
        {
            if (b.Traits.TryGetEntry(ea.Key, out var eb))
            {
                if (rng.NextDouble() < pMix)
                {
                    entries.Add(ea);
                    sharedA++;
                }
                else
                {
                    entries.Add(eb);
                    sharedB++;
                }
            }
            else
            {
                entries.Add(ea);
            }
        }

        entries.AddRange(b.Traits.Where(e => !a.Traits.ContainsKey(e.Key)));
        var mutations = a.Mutations.Concat(b.Mutations.Where(e => !a.Mutations.ContainsKey(e.Key)));
        return new Gene(
            a.Name,
            new PropertyMap(entries, a.Traits.ClosingComments),
            new PropertyMap(mutations, a.Mutations.ClosingComments),
            a.Properties,
            a.Trivia,
            a.TraitsTrivia,
            a.MutationsTrivia);
    }

    internal static NumberTrait MutateNumber(NumberTrait n, SeededRandom rng, EvolveOptions options)
    {
        double v = n.Value;
        double? lo = n.Min, hi = n.Max;
        if (!n.HasBounds && options.InferUnitBounds && v >= 0 && v <= 1)
        {
            lo = 0;
            hi = 1;
        }

        double scale = lo is double a && hi is double b ? b - a : 1.0;
        double next;
        if (options.Mode == EvolveMode.Gaussian)
        {
            next = v + (rng.NextGaussian() * options.Sigma * scale);
        }
        else
        {
            double r = ((2 * rng.NextDouble()) - 1) * options.Sigma;
            next = v == 0 ? r * scale : v * (1 + r);
        }

        if (!double.IsFinite(next))
        {
            return n;
        }

        if (lo is double min && next < min)
        {
            next = min;
        }

        if (hi is double max && next > max)
        {
            next = max;
        }

        if (n.IsInteger)
        {
            next = Math.Round(next, MidpointRounding.AwayFromZero);
            if (hi is double max2 && next > max2)
            {
                next = Math.Floor(max2);
            }

            if (lo is double min2 && next < min2)
            {
                next = Math.Ceiling(min2);
            }

            if ((lo is double l && next < l) || (hi is double h && next > h))
            {
                return n; // no integer inside the bounds
            }

            next = Math.Clamp(next, -NumberTrait.MaxSafeInteger, NumberTrait.MaxSafeInteger);
        }

        return n.WithValue(next);
    }
}
