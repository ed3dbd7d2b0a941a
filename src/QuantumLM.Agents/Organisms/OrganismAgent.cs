using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Abstractions.Organisms;

namespace QuantumLM.Agents;

/// <summary>
/// Mutates and evolves DNALang organisms through the <see cref="IOrganismEngine"/>.
/// <list type="bullet">
/// <item><c>organism:mutate</c> <c>{genome, operator: evolve|crossover|quantum_enhance|self_heal, parameters?, seed?,
/// partner_genome? (or partner), backend?}</c>: the input genome(s) are stored as seed organisms and the child with
/// its lineage edges.</item>
/// <item><c>organism:evolve</c> <c>{population: [genome…], config?}</c>: the population loop; an
/// <c>organism_generation</c> event per generation while it runs; every organism created, its lineage and the
/// evolution history are stored.</item>
/// </list>
/// Rows belong to the task's user and session and are written with the task's completion, in one transaction. An invalid
/// genome fails permanently with its <c>line:col</c>.
/// </summary>
public sealed class OrganismAgent : IAgent
{
    /// <summary>The longest genome accepted, in characters.</summary>
    public const int MaxGenomeLength = 1_000_000;

    /// <summary>The most seed genomes accepted by <c>organism:evolve</c>.</summary>
    public const int MaxPopulation = 1000;

    private readonly IOrganismEngine _engine;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="engine">The organism engine.</param>
    public OrganismAgent(IOrganismEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
    }

    /// <inheritdoc />
    public string AgentType => "organism";

    /// <inheritdoc />
    public IReadOnlyCollection<string> TaskTypes { get; } = [TaskType.OrganismMutate, TaskType.OrganismEvolve];

    /// <inheritdoc />
    public Task<JsonElement> ExecuteAsync(AgentTask task, AgentContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(context);
        return task.TaskType.Action switch
        {
            "mutate" => MutateAsync(task, context, cancellationToken),
            "evolve" => EvolveAsync(task, context, cancellationToken),
            _ => throw new QuantumLmException(QuantumLmErrorCodes.UnknownTaskType, $"the organism agent does not handle \"{task.TaskType}\""),
        };
    }

    private async Task<JsonElement> MutateAsync(AgentTask task, AgentContext context, CancellationToken cancellationToken)
    {
        JsonElement payload = PayloadReader.RequireObject(task.Payload);
        UserId user = RequireUser(task);
        string genome = PayloadReader.RequireString(payload, "genome", MaxGenomeLength);
        string op = PayloadReader.RequireString(payload, "operator", 32);
        if (op is not (OrganismOperatorNames.Evolve or OrganismOperatorNames.Crossover or OrganismOperatorNames.QuantumEnhance or OrganismOperatorNames.SelfHeal))
        {
            throw PayloadReader.Invalid("operator", $"\"{op}\" is not one of evolve, crossover, quantum_enhance, self_heal");
        }

        string? partner = PayloadReader.OptionalString(payload, "partner_genome", MaxGenomeLength) ?? PayloadReader.OptionalString(payload, "partner", MaxGenomeLength);
        if (op == OrganismOperatorNames.Crossover && partner is null)
        {
            throw PayloadReader.Invalid("partner_genome", "is required by crossover");
        }

        JsonElement? parameters = null;
        if (payload.TryGetProperty("parameters", out JsonElement p) && p.ValueKind != JsonValueKind.Null)
        {
            parameters = p.ValueKind == JsonValueKind.Object ? p : throw PayloadReader.Invalid("parameters", $"must be an object, not {PayloadReader.Describe(p)}");
        }

        long seed = PayloadReader.OptionalLong(payload, "seed", long.MinValue, long.MaxValue) ?? 0;
        var request = new OrganismMutationRequest
        {
            Genome = genome,
            Operator = op,
            Parameters = parameters,
            Seed = unchecked((ulong)seed),
            PartnerGenome = partner,
            Backend = PayloadReader.OptionalString(payload, "backend", 100) ?? "local",
        };
        OrganismMutationResult result = await _engine.MutateAsync(request, cancellationToken).ConfigureAwait(false);
        Dictionary<OrganismId, OrganismId> ids = Store(result.Organisms, user, task.SessionId, context.Outputs);
        OrganismId childId = ids[result.Child.Id];
        var data = new JsonObject
        {
            ["organism_id"] = childId.ToString(),
            ["parent_ids"] = new JsonArray([.. result.Child.Parents.Select(x => (JsonNode?)ids[x].ToString())]),
            ["operator"] = result.Operator,
            ["dna_sha256"] = result.Child.DnaSha256,
            ["fitness"] = result.Child.Fitness,
        };
        AddEvent(task, context, "organism_mutated", $"{result.Operator}: organism {childId} ({result.Child.DnaSha256[..12]})", data);
        return AgentJson.ToElement(new JsonObject
        {
            ["organism_id"] = childId.ToString(),
            ["parent_ids"] = data["parent_ids"]!.DeepClone(),
            ["operator"] = result.Operator,
            ["requested_operator"] = op,
            ["seed"] = seed,
            ["genome"] = result.Child.Genome,
            ["dna_sha256"] = result.Child.DnaSha256,
            ["generation"] = result.Child.Generation,
            ["fitness"] = result.Child.Fitness,
            ["metrics"] = result.Child.Metrics is JsonElement m ? JsonNode.Parse(m.GetRawText()) : null,
            ["report"] = JsonNode.Parse(result.Report.GetRawText()),
        });
    }

    private async Task<JsonElement> EvolveAsync(AgentTask task, AgentContext context, CancellationToken cancellationToken)
    {
        JsonElement payload = PayloadReader.RequireObject(task.Payload);
        UserId user = RequireUser(task);
        if (!payload.TryGetProperty("population", out JsonElement pop) || pop.ValueKind != JsonValueKind.Array)
        {
            throw PayloadReader.Invalid("population", "is required (an array of DNALang genomes)");
        }

        var genomes = new List<string>();
        int i = 0;
        foreach (JsonElement g in pop.EnumerateArray())
        {
            if (g.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(g.GetString()))
            {
                throw PayloadReader.Invalid($"population[{i}]", "must be a non-empty DNALang text");
            }

            if (g.GetString()!.Length > MaxGenomeLength)
            {
                throw PayloadReader.Invalid($"population[{i}]", $"is longer than {MaxGenomeLength} characters");
            }

            genomes.Add(g.GetString()!);
            i++;
        }

        if (genomes.Count is 0 or > MaxPopulation)
        {
            throw PayloadReader.Invalid("population", $"must hold 1 to {MaxPopulation} genomes, not {genomes.Count}");
        }

        JsonElement? config = null;
        if (payload.TryGetProperty("config", out JsonElement c) && c.ValueKind != JsonValueKind.Null)
        {
            config = c.ValueKind == JsonValueKind.Object ? c : throw PayloadReader.Invalid("config", $"must be an object, not {PayloadReader.Describe(c)}");
        }

        // Progress is reported synchronously by the engine; a single reader publishes the events in order.
        var channel = Channel.CreateUnbounded<OrganismGenerationSummary>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        Task publisher = PublishProgressAsync(task, context, channel.Reader, cancellationToken);
        OrganismEvolutionResult result;
        try
        {
            result = await _engine.EvolveAsync(new OrganismEvolutionRequest { Population = genomes, Config = config }, new ChannelProgress(channel.Writer), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            channel.Writer.TryComplete();
#pragma warning disable VSTHRD003 // The publisher was started by this method for this run.
            await publisher.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }

        Dictionary<OrganismId, OrganismId> ids = Store(result.Organisms, user, task.SessionId, context.Outputs);
        // The same genome can occur more than once: prefer the final population's records (best first), then the earliest.
        var bySha = new Dictionary<string, OrganismId>(StringComparer.Ordinal);
        var byId = result.Organisms.ToDictionary(static o => o.Id);
        foreach (OrganismId id in result.FinalPopulation)
        {
            bySha.TryAdd(byId[id].DnaSha256, ids[id]);
        }

        foreach (EngineOrganism o in result.Organisms)
        {
            bySha.TryAdd(o.DnaSha256, ids[o.Id]);
        }

        foreach (OrganismGenerationSummary h in result.History)
        {
            if (h.AverageFitness is not double avg || h.MaxFitness is not double max || h.MinFitness is not double min)
            {
                continue; // nothing measured: evolution_history needs real numbers, and unknown is never 0.0
            }

            context.Outputs.AddGeneration(new EvolutionGenerationOutput
            {
                RunId = result.RunId,
                UserId = user,
                SessionId = task.SessionId,
                Generation = h.Generation,
                PopulationSize = h.PopulationSize,
                AverageFitness = Math.Clamp(avg, min, max), // a mean of equal values can round one ulp outside [min, max]
                MaxFitness = max,
                MinFitness = min,
                Survivors = Math.Max(0, h.PopulationSize - h.NewOrganisms),
                MutationsApplied = h.NewOrganisms,
                DiversityScore = h.Diversity,
                BestOrganismId = bySha.TryGetValue(h.BestDnaSha256, out OrganismId best) ? best : null,
            });
        }

        EngineOrganism top = byId[result.FinalPopulation[0]];
        AddEvent(task, context, "organism_evolved", $"evolution run {result.RunId}: {result.History.Count} generation(s), {result.Organisms.Count} organisms, best fitness {top.Fitness?.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture) ?? "null"}",
            new JsonObject { ["run_id"] = result.RunId.ToString(), ["best_organism_id"] = ids[top.Id].ToString(), ["organisms"] = result.Organisms.Count });
        return AgentJson.ToElement(new JsonObject
        {
            ["run_id"] = result.RunId.ToString(),
            ["config"] = JsonNode.Parse(result.Config.GetRawText()),
            ["generations"] = result.History.Count,
            ["organisms_created"] = result.Organisms.Count,
            ["best"] = new JsonObject
            {
                ["organism_id"] = ids[top.Id].ToString(),
                ["genome"] = top.Genome,
                ["dna_sha256"] = top.DnaSha256,
                ["fitness"] = top.Fitness,
            },
            ["final_population"] = new JsonArray([.. result.FinalPopulation.Select(x => (JsonNode?)ids[x].ToString())]),
            ["history"] = new JsonArray([.. result.History.Select(static h => (JsonNode?)SummaryJson(h))]),
        });
    }

    private static Dictionary<OrganismId, OrganismId> Store(IReadOnlyList<EngineOrganism> organisms, UserId user, SessionId? session, AgentTaskOutputs outputs)
    {
        // Fresh row ids: the engine's ids are derived from content, so the same run twice must not collide.
        var ids = new Dictionary<OrganismId, OrganismId>();
        foreach (EngineOrganism o in organisms)
        {
            if (ids.ContainsKey(o.Id))
            {
                continue;
            }

            var id = OrganismId.New();
            ids[o.Id] = id;
            outputs.AddOrganism(new OrganismOutput
            {
                OrganismId = id,
                UserId = user,
                SessionId = session,
                Name = o.Name.Length is >= 1 and <= 200 ? o.Name : "organism",
                DnaCode = o.Genome,
                Generation = o.Generation,
                Fitness = o.Fitness is double f && double.IsFinite(f) ? f : null,
                Metrics = o.Metrics,
                Parents = [.. o.Parents.Distinct().Select(x => new KeyValuePair<OrganismId, string>(ids[x], o.Operator))],
                Mutations = o.Mutations,
            });
        }

        return ids;
    }

    private static async Task PublishProgressAsync(AgentTask task, AgentContext context, ChannelReader<OrganismGenerationSummary> reader, CancellationToken cancellationToken)
    {
        await foreach (OrganismGenerationSummary h in reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (task.SessionId is not SessionId session || cancellationToken.IsCancellationRequested)
            {
                continue;
            }

            try
            {
                await context.Events.PublishAsync(new NewAgentEvent
                {
                    SessionId = session, AgentType = "organism", EventType = "organism_generation", TaskId = task.Id,
                    Message = $"generation {h.Generation}: mean fitness {h.AverageFitness?.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture) ?? "null"}, diversity {h.Diversity.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)}",
                    Data = AgentJson.ToElement(SummaryJson(h)),
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private static JsonObject SummaryJson(OrganismGenerationSummary h) => new()
    {
        ["generation"] = h.Generation,
        ["population_size"] = h.PopulationSize,
        ["avg_fitness"] = h.AverageFitness,
        ["max_fitness"] = h.MaxFitness,
        ["min_fitness"] = h.MinFitness,
        ["diversity"] = h.Diversity,
        ["best_dna_sha256"] = h.BestDnaSha256,
        ["new_organisms"] = h.NewOrganisms,
    };

    private void AddEvent(AgentTask task, AgentContext context, string eventType, string message, JsonObject data)
    {
        if (task.SessionId is SessionId session)
        {
            context.Outputs.AddEvent(new NewAgentEvent { SessionId = session, AgentType = AgentType, EventType = eventType, TaskId = task.Id, Message = message, Data = AgentJson.ToElement(data) });
        }
    }

    private static UserId RequireUser(AgentTask task) =>
        task.CreatedBy ?? throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, "the task has no user: organisms belong to the user who queued the task");

    private sealed class ChannelProgress(ChannelWriter<OrganismGenerationSummary> writer) : IProgress<OrganismGenerationSummary>
    {
        public void Report(OrganismGenerationSummary value) => writer.TryWrite(value);
    }
}
