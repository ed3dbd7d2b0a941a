using Npgsql;
using NpgsqlTypes;
using QuantumLM.Abstractions.Agents;
using static QuantumLM.Persistence.Postgres.Sql;

namespace QuantumLM.Persistence.Postgres;

/// <summary>Writes an agent's <see cref="AgentTaskOutputs"/> inside the transaction that completes its task.</summary>
internal static class TaskOutputsWriter
{
    public static async Task WriteAsync(DbSession s, AgentTaskOutputs outputs, CancellationToken ct)
    {
        foreach (QuantumJobCompletion job in outputs.QuantumJobs)
        {
            // A job cancelled meanwhile keeps its cancelled state; the task still completes.
            await ExecAsync(s, """
                UPDATE quantum_jobs SET status = 'completed', counts = $2, metrics = $3, backend = $4, backend_job_id = coalesce($5, backend_job_id),
                       error_message = NULL, started_at = coalesce(started_at, clock_timestamp()), completed_at = clock_timestamp()
                 WHERE job_id = $1 AND status IN ('queued', 'running')
                """, ct, P(job.JobId.Value), Json(job.Counts), Json(job.Metrics), P(job.Backend), P(job.BackendJobId)).ConfigureAwait(false);
        }

        IReadOnlyList<OrganismOutput> organisms = outputs.Organisms;
        if (organisms.Count > 0)
        {
            await InsertOrganismsAsync(s, organisms, ct).ConfigureAwait(false);
        }

        IReadOnlyList<EvolutionGenerationOutput> generations = outputs.Generations;
        if (generations.Count > 0)
        {
            await InsertGenerationsAsync(s, generations, ct).ConfigureAwait(false);
        }

        foreach (CommitOutput c in outputs.Commits)
        {
            await InsertCommitAsync(s, new NewCommit { SessionId = c.SessionId, UserId = c.UserId, Message = c.Message, Diff = c.Diff, Author = c.Author }, ct).ConfigureAwait(false);
        }

        foreach (NewAgentEvent e in outputs.Events)
        {
            await InsertEventAsync(s, e, ct).ConfigureAwait(false);
        }
    }

    private static async Task InsertOrganismsAsync(DbSession s, IReadOnlyList<OrganismOutput> organisms, CancellationToken ct)
    {
        NpgsqlCommand cmd = s.Command("""
            INSERT INTO organisms (organism_id, user_id, session_id, name, dna_code, generation, parent_id, fitness, metrics)
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::int[], $7::uuid[], $8::float8[], $9::jsonb[])
            """);
        await using (cmd.ConfigureAwait(false))
        {
            Add(cmd, NpgsqlDbType.Uuid, organisms.Select(static o => o.OrganismId.Value).ToArray());
            Add(cmd, NpgsqlDbType.Uuid, organisms.Select(static o => o.UserId.Value).ToArray());
            Add(cmd, NpgsqlDbType.Uuid, organisms.Select(static o => o.SessionId?.Value).ToArray());
            Add(cmd, NpgsqlDbType.Text, organisms.Select(static o => o.Name).ToArray());
            Add(cmd, NpgsqlDbType.Text, organisms.Select(static o => o.DnaCode).ToArray());
            Add(cmd, NpgsqlDbType.Integer, organisms.Select(static o => o.Generation).ToArray());
            Add(cmd, NpgsqlDbType.Uuid, organisms.Select(static o => o.Parents.Count > 0 ? o.Parents[0].Key.Value : (Guid?)null).ToArray());
            Add(cmd, NpgsqlDbType.Double, organisms.Select(static o => o.Fitness).ToArray());
            Add(cmd, NpgsqlDbType.Jsonb, organisms.Select(static o => o.Metrics?.GetRawText()).ToArray());
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var edges = organisms.SelectMany(static o => o.Parents.Select(p => (Child: o, Parent: p.Key, Operator: p.Value))).ToArray();
        if (edges.Length == 0)
        {
            return;
        }

        NpgsqlCommand lineage = s.Command("""
            INSERT INTO organism_lineage (organism_id, parent_id, operator, generation, mutations)
            SELECT o, p, op, g, coalesce(m, '[]'::jsonb) FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::jsonb[]) AS u(o, p, op, g, m)
            """);
        await using (lineage.ConfigureAwait(false))
        {
            Add(lineage, NpgsqlDbType.Uuid, edges.Select(static e => e.Child.OrganismId.Value).ToArray());
            Add(lineage, NpgsqlDbType.Uuid, edges.Select(static e => e.Parent.Value).ToArray());
            Add(lineage, NpgsqlDbType.Text, edges.Select(static e => e.Operator).ToArray());
            Add(lineage, NpgsqlDbType.Integer, edges.Select(static e => Math.Max(e.Child.Generation, 1)).ToArray());
            Add(lineage, NpgsqlDbType.Jsonb, edges.Select(static e => e.Child.Mutations?.GetRawText()).ToArray());
            await lineage.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task InsertGenerationsAsync(DbSession s, IReadOnlyList<EvolutionGenerationOutput> generations, CancellationToken ct)
    {
        NpgsqlCommand cmd = s.Command("""
            INSERT INTO evolution_history (run_id, user_id, session_id, generation, population_size, avg_fitness, max_fitness, min_fitness, survivors, mutations_applied, diversity_score, best_organism_id)
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::int[], $6::float8[], $7::float8[], $8::float8[], $9::int[], $10::int[], $11::float8[], $12::uuid[])
            """);
        await using (cmd.ConfigureAwait(false))
        {
            Add(cmd, NpgsqlDbType.Uuid, generations.Select(static g => g.RunId).ToArray());
            Add(cmd, NpgsqlDbType.Uuid, generations.Select(static g => g.UserId.Value).ToArray());
            Add(cmd, NpgsqlDbType.Uuid, generations.Select(static g => g.SessionId?.Value).ToArray());
            Add(cmd, NpgsqlDbType.Integer, generations.Select(static g => g.Generation).ToArray());
            Add(cmd, NpgsqlDbType.Integer, generations.Select(static g => g.PopulationSize).ToArray());
            Add(cmd, NpgsqlDbType.Double, generations.Select(static g => g.AverageFitness).ToArray());
            Add(cmd, NpgsqlDbType.Double, generations.Select(static g => g.MaxFitness).ToArray());
            Add(cmd, NpgsqlDbType.Double, generations.Select(static g => g.MinFitness).ToArray());
            Add(cmd, NpgsqlDbType.Integer, generations.Select(static g => g.Survivors).ToArray());
            Add(cmd, NpgsqlDbType.Integer, generations.Select(static g => g.MutationsApplied).ToArray());
            Add(cmd, NpgsqlDbType.Double, generations.Select(static g => g.DiversityScore).ToArray());
            Add(cmd, NpgsqlDbType.Uuid, generations.Select(static g => g.BestOrganismId?.Value).ToArray());
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static void Add<T>(NpgsqlCommand cmd, NpgsqlDbType type, T[] values) =>
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | type, Value = values });
}
