using System.Text.Json;

namespace QuantumLM.Abstractions.Organisms;

/// <summary>
/// The organism engine as seen by agents and hosts: runs one DNALang operator or a population loop on genome text and
/// returns texts, lineage and JSON reports. Implemented by <c>QuantumLM.Organisms</c>. Invalid genomes are
/// <see cref="QuantumLmException"/>s with code <see cref="QuantumLmErrorCodes.InvalidGenome"/> and a message
/// <c>&lt;field&gt;: &lt;line&gt;:&lt;col&gt; &lt;expected&gt;</c>; invalid parameters have code
/// <see cref="QuantumLmErrorCodes.InvalidPayload"/>.
/// </summary>
public interface IOrganismEngine
{
    /// <summary>Applies one operator (<c>evolve</c>, <c>crossover</c>, <c>quantum_enhance</c> or <c>self_heal</c>).</summary>
    /// <param name="request">The genome, operator, parameters and seed.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The parent(s) and the child, in creation order (parents first), and the operator's report.</returns>
    Task<OrganismMutationResult> MutateAsync(OrganismMutationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Runs the population loop.</summary>
    /// <param name="request">The seed genomes and the configuration.</param>
    /// <param name="progress">Receives each generation's summary, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>Every organism created (seeds first, parents before children), the history and the final population.</returns>
    Task<OrganismEvolutionResult> EvolveAsync(OrganismEvolutionRequest request, IProgress<OrganismGenerationSummary>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>The names of the mutation operators.</summary>
public static class OrganismOperatorNames
{
    /// <summary><c>evolve</c>: seeded numeric trait mutation.</summary>
    public const string Evolve = "evolve";

    /// <summary><c>crossover</c>: gene-by-gene recombination with a partner.</summary>
    public const string Crossover = "crossover";

    /// <summary><c>quantum_enhance</c>: GHZ run on a backend, rate from Φ, then evolve.</summary>
    public const string QuantumEnhance = "quantum_enhance";

    /// <summary><c>self_heal</c>: repairs broken text and out-of-range traits.</summary>
    public const string SelfHeal = "self_heal";
}

/// <summary>One operator application.</summary>
public sealed record OrganismMutationRequest
{
    /// <summary>Gets the genome (DNALang text; <c>self_heal</c> accepts broken text).</summary>
    public required string Genome { get; init; }

    /// <summary>Gets the operator (<see cref="OrganismOperatorNames"/>).</summary>
    public required string Operator { get; init; }

    /// <summary>Gets the operator's parameters as a JSON object (for example <c>rate</c>, <c>sigma</c>, <c>mode</c>, <c>qubits</c>, <c>shots</c>), or <see langword="null"/>.</summary>
    public JsonElement? Parameters { get; init; }

    /// <summary>Gets the generator seed.</summary>
    public ulong Seed { get; init; }

    /// <summary>Gets the partner genome (required by <c>crossover</c>).</summary>
    public string? PartnerGenome { get; init; }

    /// <summary>Gets the backend for <c>quantum_enhance</c>.</summary>
    /// <value>The default is <c>local</c>.</value>
    public string Backend { get; init; } = "local";
}

/// <summary>An organism produced or read by the engine.</summary>
public sealed record EngineOrganism
{
    /// <summary>Gets the engine's id for it (unique within one result; parents refer to it).</summary>
    public required OrganismId Id { get; init; }

    /// <summary>Gets the organism's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the canonical DNALang text.</summary>
    public required string Genome { get; init; }

    /// <summary>Gets the SHA-256 of the canonical text, lowercase hex.</summary>
    public required string DnaSha256 { get; init; }

    /// <summary>Gets the lineage generation (0 for a seed or an input genome).</summary>
    public int Generation { get; init; }

    /// <summary>Gets the parents (ids of earlier organisms of the same result) and the operator that made this one.</summary>
    public IReadOnlyList<OrganismId> Parents { get; init; } = [];

    /// <summary>Gets the operator that produced it (<c>seed</c> for inputs).</summary>
    public required string Operator { get; init; }

    /// <summary>Gets the fitness, if measured.</summary>
    public double? Fitness { get; init; }

    /// <summary>Gets the metrics object (metrics specification §5.6), if any.</summary>
    public JsonElement? Metrics { get; init; }

    /// <summary>Gets the mutations applied (a JSON array), if any.</summary>
    public JsonElement? Mutations { get; init; }
}

/// <summary>The outcome of one operator.</summary>
public sealed record OrganismMutationResult
{
    /// <summary>Gets the inputs then the child, parents before children.</summary>
    public required IReadOnlyList<EngineOrganism> Organisms { get; init; }

    /// <summary>Gets the child.</summary>
    public EngineOrganism Child => Organisms[^1];

    /// <summary>Gets the effective operator (<c>evolve</c> after a quantum_enhance fallback).</summary>
    public required string Operator { get; init; }

    /// <summary>Gets the operator's report (a JSON object).</summary>
    public required JsonElement Report { get; init; }
}

/// <summary>A population loop.</summary>
public sealed record OrganismEvolutionRequest
{
    /// <summary>Gets the seed genomes (DNALang text).</summary>
    public required IReadOnlyList<string> Population { get; init; }

    /// <summary>
    /// Gets the configuration as a JSON object, or <see langword="null"/> for the defaults: <c>population_size</c>,
    /// <c>generations</c>, <c>elite</c>, <c>tournament</c>, <c>seed</c>, <c>rate</c>, <c>sigma</c>, <c>backend</c>,
    /// <c>qubits</c>, <c>shots</c>, <c>metric</c> (<c>lambda</c> or <c>w2</c>).
    /// </summary>
    public JsonElement? Config { get; init; }
}

/// <summary>The statistics of one generation.</summary>
/// <param name="Generation">The generation (0 = the initial population).</param>
/// <param name="PopulationSize">The population size.</param>
/// <param name="AverageFitness">The mean measured fitness, if any.</param>
/// <param name="MaxFitness">The best measured fitness, if any.</param>
/// <param name="MinFitness">The worst measured fitness, if any.</param>
/// <param name="Diversity">The diversity score in [0, 1].</param>
/// <param name="BestDnaSha256">The SHA-256 of the best organism.</param>
/// <param name="NewOrganisms">The number of children created in the generation.</param>
public sealed record OrganismGenerationSummary(int Generation, int PopulationSize, double? AverageFitness, double? MaxFitness, double? MinFitness, double Diversity, string BestDnaSha256, int NewOrganisms);

/// <summary>The outcome of a population loop.</summary>
public sealed record OrganismEvolutionResult
{
    /// <summary>Gets the run's id.</summary>
    public required Guid RunId { get; init; }

    /// <summary>Gets every organism of the run (seeds first, parents before children).</summary>
    public required IReadOnlyList<EngineOrganism> Organisms { get; init; }

    /// <summary>Gets one summary per generation.</summary>
    public required IReadOnlyList<OrganismGenerationSummary> History { get; init; }

    /// <summary>Gets the ids of the final population, best first.</summary>
    public required IReadOnlyList<OrganismId> FinalPopulation { get; init; }

    /// <summary>Gets the configuration used, as a JSON object.</summary>
    public required JsonElement Config { get; init; }
}
