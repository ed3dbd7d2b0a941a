using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using QuantumLM.Abstractions;
using static QuantumLM.Persistence.Postgres.Sql;

namespace QuantumLM.Persistence.Postgres;

/// <summary>A parent of a new organism and the operator that produced the child from it.</summary>
/// <param name="ParentId">The parent.</param>
/// <param name="Operator"><c>evolve</c>, <c>crossover</c>, <c>quantum_enhance</c>, <c>self_heal</c> or <c>seed</c>.</param>
public sealed record OrganismParent(OrganismId ParentId, string Operator);

/// <summary>An organism (one genome version) to store, with its parents.</summary>
public sealed record NewOrganism
{
    /// <summary>Gets the owner.</summary>
    public required UserId UserId { get; init; }

    /// <summary>Gets the session, if any.</summary>
    public SessionId? SessionId { get; init; }

    /// <summary>Gets the name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the DNALang text (its SHA-256 is computed by the database).</summary>
    public required string DnaCode { get; init; }

    /// <summary>Gets the generation (0 for a seed).</summary>
    public int Generation { get; init; }

    /// <summary>Gets the fitness, if evaluated.</summary>
    public double? Fitness { get; init; }

    /// <summary>Gets the metrics object, if any.</summary>
    public JsonElement? Metrics { get; init; }

    /// <summary>Gets the parents (none for a seed, two for a crossover).</summary>
    public IReadOnlyList<OrganismParent> Parents { get; init; } = [];

    /// <summary>Gets the mutations applied, as a JSON array.</summary>
    public JsonElement? Mutations { get; init; }
}

/// <summary>A stored organism.</summary>
/// <param name="OrganismId">The id.</param>
/// <param name="UserId">The owner.</param>
/// <param name="Name">The name.</param>
/// <param name="DnaCode">The DNALang text.</param>
/// <param name="DnaHash">SHA-256 of the UTF-8 text, lowercase hex.</param>
/// <param name="Generation">The generation.</param>
/// <param name="ParentId">The first parent, if any.</param>
/// <param name="Fitness">The fitness.</param>
/// <param name="WrittenBy">Who wrote it.</param>
/// <param name="CreatedAt">When.</param>
public sealed record OrganismRecord(OrganismId OrganismId, UserId UserId, string Name, string DnaCode, string DnaHash, int Generation, OrganismId? ParentId, double? Fitness, string WrittenBy, DateTimeOffset CreatedAt);

/// <summary>One lineage edge.</summary>
/// <param name="OrganismId">The child.</param>
/// <param name="ParentId">The parent.</param>
/// <param name="Operator">The operator.</param>
/// <param name="Generation">The child's generation.</param>
public sealed record LineageEdge(OrganismId OrganismId, OrganismId ParentId, string Operator, int Generation);

/// <summary>Statistics of one generation of an evolution run.</summary>
/// <param name="RunId">The run.</param>
/// <param name="UserId">The owner.</param>
/// <param name="Generation">The generation number.</param>
/// <param name="PopulationSize">The population size.</param>
/// <param name="AverageFitness">The mean fitness.</param>
/// <param name="MaxFitness">The best fitness.</param>
/// <param name="MinFitness">The worst fitness.</param>
/// <param name="Survivors">How many survived selection.</param>
/// <param name="MutationsApplied">How many mutations were applied.</param>
/// <param name="DiversityScore">A diversity measure, if computed.</param>
/// <param name="BestOrganismId">The best organism, if stored.</param>
public sealed record EvolutionGeneration(Guid RunId, UserId UserId, int Generation, int PopulationSize, double AverageFitness, double MaxFitness, double MinFitness, int Survivors, int MutationsApplied = 0, double? DiversityScore = null, OrganismId? BestOrganismId = null);

/// <summary>Organisms, their lineage and evolution history (row-level security: owners; <c>experiments:read</c> reads all; creating needs <c>organisms:mutate</c> or a service).</summary>
public interface IOrganismStore
{
    /// <summary>Stores an organism and its lineage edges in one transaction.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="organism">The organism.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored organism.</returns>
    Task<OrganismRecord> CreateAsync(DbIdentity identity, NewOrganism organism, CancellationToken cancellationToken = default);

    /// <summary>Reads an organism, or <see langword="null"/>.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="organismId">The organism.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The organism.</returns>
    Task<OrganismRecord?> GetAsync(DbIdentity identity, OrganismId organismId, CancellationToken cancellationToken = default);

    /// <summary>Reads every ancestor edge of an organism (recursive), nearest first.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="organismId">The organism.</param>
    /// <param name="maxDepth">The deepest generation distance to follow (1–10000).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The edges visible to the caller.</returns>
    Task<IReadOnlyList<LineageEdge>> GetAncestryAsync(DbIdentity identity, OrganismId organismId, int maxDepth = 1000, CancellationToken cancellationToken = default);

    /// <summary>Records generations of evolution runs in one statement (<c>unnest</c>).</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="generations">The generations.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many rows were written.</returns>
    Task<int> RecordGenerationsAsync(DbIdentity identity, IReadOnlyList<EvolutionGeneration> generations, CancellationToken cancellationToken = default);

    /// <summary>Reads a run's history, by generation.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The generations.</returns>
    Task<IReadOnlyList<EvolutionGeneration>> GetHistoryAsync(DbIdentity identity, Guid runId, CancellationToken cancellationToken = default);
}

internal sealed class PostgresOrganismStore(IDbSessionFactory sessions) : IOrganismStore
{
    private const string Columns = "organism_id, user_id, name, dna_code, dna_hash, generation, parent_id, fitness, written_by, created_at";

    private static OrganismRecord Map(NpgsqlDataReader r) => new(
        new OrganismId(r.GetGuid(0)), new UserId(r.GetGuid(1)), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
        Uuid(r, 6) is Guid p ? new OrganismId(p) : null, r.IsDBNull(7) ? null : r.GetDouble(7), r.GetString(8), r.GetFieldValue<DateTimeOffset>(9));

    public Task<OrganismRecord> CreateAsync(DbIdentity identity, NewOrganism organism, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organism);
        if (organism.Fitness is double f && !double.IsFinite(f))
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, $"organism fitness must be finite, got {f}");
        }

        return InTransactionAsync(sessions, identity, false, async (s, ct) =>
        {
            OrganismRecord rec = (await QueryAsync(s, $"""
                INSERT INTO organisms (organism_id, user_id, session_id, name, dna_code, generation, parent_id, fitness, metrics)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {Columns}
                """, Map, ct, P(OrganismId.New().Value), P(organism.UserId.Value), P(organism.SessionId?.Value), P(organism.Name), P(organism.DnaCode),
                P(organism.Generation), P(organism.Parents.Count > 0 ? organism.Parents[0].ParentId.Value : (Guid?)null), P(organism.Fitness), Json(organism.Metrics)).ConfigureAwait(false))[0];
            if (organism.Parents.Count > 0)
            {
                NpgsqlCommand cmd = s.Command("""
                    INSERT INTO organism_lineage (organism_id, parent_id, operator, generation, mutations)
                    SELECT $1, p, o, $4, coalesce($5, '[]'::jsonb) FROM unnest($2::uuid[], $3::text[]) AS u(p, o)
                    """);
                await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable scope = cmd.ConfigureAwait(false);
                cmd.Parameters.Add(P(rec.OrganismId.Value));
                cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = organism.Parents.Select(p => p.ParentId.Value).ToArray() });
                cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = organism.Parents.Select(p => p.Operator).ToArray() });
                cmd.Parameters.Add(P(Math.Max(organism.Generation, 1)));
                cmd.Parameters.Add(Json(organism.Mutations));
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return rec;
        }, cancellationToken);
    }

    public Task<OrganismRecord?> GetAsync(DbIdentity identity, OrganismId organismId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(sessions, identity, true, async (s, ct) => (await QueryAsync(s,
            $"SELECT {Columns} FROM organisms WHERE organism_id = $1", Map, ct, P(organismId.Value)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    public Task<IReadOnlyList<LineageEdge>> GetAncestryAsync(DbIdentity identity, OrganismId organismId, int maxDepth = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, 10_000);
        return InTransactionAsync(sessions, identity, true, async (s, ct) => (IReadOnlyList<LineageEdge>)await QueryAsync(s, """
            WITH RECURSIVE a AS (
              SELECT organism_id, parent_id, operator, generation, 1 AS depth FROM organism_lineage WHERE organism_id = $1
              UNION
              SELECT l.organism_id, l.parent_id, l.operator, l.generation, a.depth + 1
                FROM organism_lineage l JOIN a ON l.organism_id = a.parent_id WHERE a.depth < $2)
            SELECT organism_id, parent_id, operator, generation FROM a ORDER BY depth, organism_id, parent_id
            """, r => new LineageEdge(new OrganismId(r.GetGuid(0)), new OrganismId(r.GetGuid(1)), r.GetString(2), r.GetInt32(3)), ct, P(organismId.Value), P(maxDepth)).ConfigureAwait(false), cancellationToken);
    }

    public Task<int> RecordGenerationsAsync(DbIdentity identity, IReadOnlyList<EvolutionGeneration> generations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generations);
        if (generations.Count == 0)
        {
            return Task.FromResult(0);
        }

        return InTransactionAsync(sessions, identity, false, async (s, ct) =>
        {
            NpgsqlCommand cmd = s.Command("""
                INSERT INTO evolution_history (run_id, user_id, generation, population_size, avg_fitness, max_fitness, min_fitness, survivors, mutations_applied, diversity_score, best_organism_id)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[], $5::float8[], $6::float8[], $7::float8[], $8::int[], $9::int[], $10::float8[], $11::uuid[])
                """);
            await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable scope = cmd.ConfigureAwait(false);
            void Add<T>(NpgsqlDbType t, T[] values) => cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | t, Value = values });
            Add(NpgsqlDbType.Uuid, generations.Select(g => g.RunId).ToArray());
            Add(NpgsqlDbType.Uuid, generations.Select(g => g.UserId.Value).ToArray());
            Add(NpgsqlDbType.Integer, generations.Select(g => g.Generation).ToArray());
            Add(NpgsqlDbType.Integer, generations.Select(g => g.PopulationSize).ToArray());
            Add(NpgsqlDbType.Double, generations.Select(g => g.AverageFitness).ToArray());
            Add(NpgsqlDbType.Double, generations.Select(g => g.MaxFitness).ToArray());
            Add(NpgsqlDbType.Double, generations.Select(g => g.MinFitness).ToArray());
            Add(NpgsqlDbType.Integer, generations.Select(g => g.Survivors).ToArray());
            Add(NpgsqlDbType.Integer, generations.Select(g => g.MutationsApplied).ToArray());
            Add(NpgsqlDbType.Double, generations.Select(g => g.DiversityScore).ToArray());
            Add(NpgsqlDbType.Uuid, generations.Select(g => g.BestOrganismId?.Value).ToArray());
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<EvolutionGeneration>> GetHistoryAsync(DbIdentity identity, Guid runId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(sessions, identity, true, async (s, ct) => (IReadOnlyList<EvolutionGeneration>)await QueryAsync(s, """
            SELECT run_id, user_id, generation, population_size, avg_fitness, max_fitness, min_fitness, survivors, mutations_applied, diversity_score, best_organism_id
              FROM evolution_history WHERE run_id = $1 ORDER BY generation
            """, r => new EvolutionGeneration(r.GetGuid(0), new UserId(r.GetGuid(1)), r.GetInt32(2), r.GetInt32(3), r.GetDouble(4), r.GetDouble(5), r.GetDouble(6),
                r.GetInt32(7), r.GetInt32(8), r.IsDBNull(9) ? null : r.GetDouble(9), Uuid(r, 10) is Guid b ? new OrganismId(b) : null), ct, P(runId)).ConfigureAwait(false), cancellationToken);
}
