using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Organisms;
using QuantumLM.Abstractions.Quantum;

#pragma warning disable QLMORG001 // The evolution loop is experimental; the engine exposes it through IOrganismEngine.

namespace QuantumLM.Organisms;

/// <summary>
/// The <see cref="IOrganismEngine"/> of this package: parses genome text (errors as <c>&lt;field&gt;: line:col expected</c>),
/// applies the operators of <see cref="OrganismOperators"/> and <see cref="QuantumEnhancer"/>, and runs
/// <see cref="EvolutionEngine"/> with <see cref="CircuitFitness"/> on a backend resolved by name.
/// </summary>
internal sealed class OrganismEngine : IOrganismEngine
{
    private readonly IQuantumBackendProvider _backends;
    private readonly ITensorMetricsCalculator _metrics;
    private readonly QuantumEnhancer _enhancer;
    private readonly ITensorMetricsSerializer? _metricsJson;

    public OrganismEngine(IQuantumBackendProvider backends, ITensorMetricsCalculator metrics, QuantumEnhancer enhancer, IEnumerable<ITensorMetricsSerializer> metricsJson)
    {
        ArgumentNullException.ThrowIfNull(backends);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(enhancer);
        ArgumentNullException.ThrowIfNull(metricsJson);
        _backends = backends;
        _metrics = metrics;
        _enhancer = enhancer;
        _metricsJson = metricsJson.LastOrDefault();
    }

    public async Task<OrganismMutationResult> MutateAsync(OrganismMutationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var p = new EngineParameters(request.Parameters, "parameters");
        switch (request.Operator)
        {
            case OrganismOperatorNames.Evolve:
            {
                Organism parent = Parse(request.Genome, "genome");
                EvolveOptions options = ReadEvolve(p);
                p.RejectUnknown("evolve");
                OperatorResult<EvolveReport> r = OrganismOperators.Evolve(parent, request.Seed, options);
                return Result(OrganismOperatorNames.Evolve, OrganismReportJson.Evolve(r.Report), [parent], r.Child, OrganismReportJson.ChangedTraits(r.Report), null);
            }

            case OrganismOperatorNames.Crossover:
            {
                Organism first = Parse(request.Genome, "genome");
                Organism second = Parse(request.PartnerGenome ?? throw EngineParameters.Invalid("partner_genome", "is required by crossover"), "partner_genome");
                var options = new CrossoverOptions
                {
                    Mode = p.Choice("mode", "uniform", "uniform", "onepoint") == "onepoint" ? CrossoverMode.OnePoint : CrossoverMode.Uniform,
                    MixProbability = p.Number("p_mix", 0.5, 0, 1),
                    Point = p.Number("point", 0.5, 0, 1),
                };
                p.RejectUnknown("crossover");
                OperatorResult<CrossoverReport> r = OrganismOperators.Crossover(first, second, request.Seed, options);
                return Result(OrganismOperatorNames.Crossover, OrganismReportJson.Crossover(r.Report), [first, second], r.Child, [], null);
            }

            case OrganismOperatorNames.SelfHeal:
            {
                p.RejectUnknown("self_heal");
                OperatorResult<SelfHealReport> r = OrganismOperators.SelfHeal(request.Genome);
                Organism? parent = TryParse(request.Genome);
                return Result(OrganismOperatorNames.SelfHeal, OrganismReportJson.SelfHeal(r.Report), parent is null ? [] : [parent], r.Child, OrganismReportJson.Strings(r.Report.Fixes), null);
            }

            case OrganismOperatorNames.QuantumEnhance:
            {
                Organism parent = Parse(request.Genome, "genome");
                var options = new QuantumEnhanceOptions
                {
                    Qubits = p.Integer("qubits", 3, 2, 24),
                    Shots = p.Integer("shots", 1024, 1, 1_000_000),
                    MaxRate = p.Number("max_rate", 0.5, 0, 1),
                    MinRate = p.Number("min_rate", 0.01, 0, 1),
                    OnFailure = p.Boolean("fallback", false) ? QuantumFailurePolicy.Evolve : QuantumFailurePolicy.Error,
                    Evolve = new EvolveOptions { Sigma = p.Number("sigma", 0.2, 0, 1e6) },
                };
                p.RejectUnknown("quantum_enhance");
                if (options.MinRate > options.MaxRate)
                {
                    throw EngineParameters.Invalid("parameters.min_rate", "must not exceed max_rate");
                }

                OperatorResult<QuantumEnhanceReport> r = await _enhancer.EnhanceAsync(parent, request.Backend, request.Seed, options, cancellationToken).ConfigureAwait(false);
                JsonElement? metrics = OrganismReportJson.Metrics(r.Report.Metrics, _metricsJson);
                return Result(r.Report.Operator, OrganismReportJson.Enhance(r.Report, metrics), [parent], r.Child, OrganismReportJson.ChangedTraits(r.Report.Evolve), metrics, r.Report.Metrics?.Lambda);
            }

            default:
                throw EngineParameters.Invalid("operator", $"\"{request.Operator}\" is not one of evolve, crossover, quantum_enhance, self_heal");
        }
    }

    public async Task<OrganismEvolutionResult> EvolveAsync(OrganismEvolutionRequest request, IProgress<OrganismGenerationSummary>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Population.Count == 0)
        {
            throw EngineParameters.Invalid("population", "must hold at least one genome");
        }

        var seeds = new List<Organism>(request.Population.Count);
        for (int i = 0; i < request.Population.Count; i++)
        {
            seeds.Add(Parse(request.Population[i], $"population[{i}]"));
        }

        var c = new EngineParameters(request.Config, "config");
        int size = c.Integer("population_size", Math.Max(8, seeds.Count), 2, 1000);
        int generations = c.Integer("generations", 10, 0, 1000);
        int elite = c.Integer("elite", Math.Min(2, size - 1), 0, size - 1);
        int tournament = c.Integer("tournament", 3, 1, size);
        ulong seed = c.Seed("seed", 7);
        double rate = c.Number("rate", 0.12, 0, 1);
        double sigma = c.Number("sigma", 0.2, 0, 1e6);
        string backendName = c.Text("backend", "local", 100);
        int qubits = c.Integer("qubits", 3, 2, 24);
        int shots = c.Integer("shots", 256, 1, 1_000_000);
        string metric = c.Choice("metric", "lambda", "lambda", "w2");
        c.RejectUnknown("organism:evolve config");
        if (seeds.Count > size)
        {
            throw EngineParameters.Invalid("config.population_size", $"is {size}, smaller than the {seeds.Count} seed genomes");
        }

        IQuantumBackend backend = _backends.GetBackend(backendName);
        var fitness = new CapturingFitness(new CircuitFitness(backend, _metrics, qubits, shots, metric == "w2" ? FitnessMetric.NegativeW2 : FitnessMetric.Lambda));
        var options = new EvolutionOptions
        {
            PopulationSize = size,
            Generations = generations,
            Elite = elite,
            Tournament = tournament,
            Seed = seed,
            Evolve = new EvolveOptions { Rate = rate, Sigma = sigma },
        };
        var engine = new EvolutionEngine(fitness, options);
        IProgress<GenerationSummary>? mapped = progress is null ? null : new MappedProgress(progress);
        EvolutionResult result = await engine.RunAsync(seeds, mapped, cancellationToken).ConfigureAwait(false);

        var organisms = new List<EngineOrganism>(result.Lineage.Count);
        var seen = new HashSet<OrganismId>();
        foreach (LineageRecord rec in result.Lineage)
        {
            if (!seen.Add(rec.Id))
            {
                continue;
            }

            Organism o = fitness.Measured.TryGetValue(rec.DnaSha256, out Organism? m) ? m : throw new InvalidOperationException($"organism {rec.DnaSha256} was never measured");
            organisms.Add(new EngineOrganism
            {
                Id = rec.Id,
                Name = o.Name,
                Genome = DnaText.Serialize(o),
                DnaSha256 = rec.DnaSha256,
                Generation = rec.Generation,
                Parents = rec.Parents,
                Operator = rec.Operator,
                Fitness = rec.Fitness,
                Metrics = OrganismReportJson.Metrics(rec.Metrics, _metricsJson),
                Mutations = OrganismReportJson.ToElement(new JsonArray([.. rec.Parameters.Select(static kv => (JsonNode?)new JsonObject { ["name"] = kv.Key, ["value"] = kv.Value })])),
            });
        }

        var config = new JsonObject
        {
            ["population_size"] = size,
            ["generations"] = generations,
            ["elite"] = elite,
            ["tournament"] = tournament,
            ["seed"] = seed,
            ["rate"] = rate,
            ["sigma"] = sigma,
            ["backend"] = backend.Name,
            ["qubits"] = qubits,
            ["shots"] = shots,
            ["metric"] = metric,
        };
        return new OrganismEvolutionResult
        {
            RunId = Guid.CreateVersion7(),
            Organisms = organisms,
            History = [.. result.History.Select(Map)],
            FinalPopulation = [.. result.Population.Select(static p => p.Lineage.Id)],
            Config = OrganismReportJson.ToElement(config),
        };
    }

    private static OrganismMutationResult Result(string op, JsonObject report, IReadOnlyList<Organism> parents, Organism child, JsonArray mutations, JsonElement? metrics, double? fitness = null)
    {
        var list = new List<EngineOrganism>();
        foreach (Organism parent in parents)
        {
            list.Add(Describe(parent, [], "seed", 0, null, null, null));
        }

        list.Add(Describe(child, [.. list.Select(static x => x.Id)], op, 1, metrics, fitness, OrganismReportJson.ToElement(mutations)));
        return new OrganismMutationResult { Organisms = list, Operator = op, Report = OrganismReportJson.ToElement(report) };
    }

    private static EngineOrganism Describe(Organism o, IReadOnlyList<OrganismId> parents, string op, int generation, JsonElement? metrics, double? fitness, JsonElement? mutations)
    {
        string text = DnaText.Serialize(o);
        return new EngineOrganism
        {
            Id = OrganismId.New(),
            Name = o.Name,
            Genome = text,
            DnaSha256 = DnaText.ComputeSha256(text),
            Generation = parents.Count == 0 ? 0 : generation,
            Parents = parents,
            Operator = op,
            Fitness = fitness,
            Metrics = metrics,
            Mutations = mutations,
        };
    }

    private static Organism Parse(string text, string field)
    {
        try
        {
            return DnaText.Parse(text);
        }
        catch (DnaSyntaxException ex)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidGenome, $"{field}: {ex.Line}:{ex.Column} {ex.Expected}", false, ex);
        }
    }

    private static Organism? TryParse(string text)
    {
        try
        {
            return DnaText.Parse(text);
        }
        catch (DnaSyntaxException)
        {
            return null;
        }
    }

    private static EvolveOptions ReadEvolve(EngineParameters p) => new()
    {
        Rate = p.Number("rate", 0.1, 0, 1),
        Sigma = p.Number("sigma", 0.2, 0, 1e6),
        Mode = p.Choice("mode", "multiplicative", "multiplicative", "gaussian") == "gaussian" ? EvolveMode.Gaussian : EvolveMode.Multiplicative,
        FlipBooleans = p.Boolean("flip_booleans", false),
    };

    private static OrganismGenerationSummary Map(GenerationSummary s) =>
        new(s.Generation, s.PopulationSize, s.AverageFitness, s.MaxFitness, s.MinFitness, s.Diversity, s.BestDnaSha256, s.NewOrganisms);

    private sealed class MappedProgress(IProgress<OrganismGenerationSummary> inner) : IProgress<GenerationSummary>
    {
        public void Report(GenerationSummary value) => inner.Report(Map(value));
    }

    /// <summary>Remembers every organism measured, by DnaSha256: the engine measures each distinct organism once.</summary>
    private sealed class CapturingFitness(IOrganismFitness inner) : IOrganismFitness
    {
        public ConcurrentDictionary<string, Organism> Measured { get; } = new(StringComparer.Ordinal);

        public ValueTask<FitnessResult> EvaluateAsync(Organism organism, ulong seed, CancellationToken cancellationToken = default)
        {
            Measured.TryAdd(DnaText.ComputeSha256(organism), organism);
            return inner.EvaluateAsync(organism, seed, cancellationToken);
        }
    }
}
