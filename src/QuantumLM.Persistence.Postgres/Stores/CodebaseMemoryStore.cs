using Npgsql;
using NpgsqlTypes;
using QuantumLM.Abstractions;
using static QuantumLM.Persistence.Postgres.Sql;

namespace QuantumLM.Persistence.Postgres;

/// <summary>A chunk of indexed code with its embedding.</summary>
/// <param name="UserId">The owner.</param>
/// <param name="FilePath">The file.</param>
/// <param name="ChunkIndex">The chunk's index within the file.</param>
/// <param name="TotalChunks">How many chunks the file has.</param>
/// <param name="Content">The text.</param>
/// <param name="Embedding">The embedding (1–4096 finite values, not all zero).</param>
/// <param name="Language">The language, if known.</param>
/// <param name="SessionId">The session, if any.</param>
public sealed record MemoryChunk(UserId UserId, string FilePath, int ChunkIndex, int TotalChunks, string Content, IReadOnlyList<float> Embedding, string? Language = null, SessionId? SessionId = null);

/// <summary>A search hit.</summary>
/// <param name="MemoryId">The chunk's id.</param>
/// <param name="FilePath">The file.</param>
/// <param name="ChunkIndex">The chunk index.</param>
/// <param name="Content">The text.</param>
/// <param name="Similarity">The cosine similarity to the query.</param>
public sealed record MemorySearchHit(Guid MemoryId, string FilePath, int ChunkIndex, string Content, double Similarity);

/// <summary>Codebase memory with cosine search (float4[] on stock PostgreSQL; pgvector when installed), under row-level security.</summary>
public interface ICodebaseMemoryStore
{
    /// <summary>Inserts or replaces chunks (keyed by owner, file and chunk index) in one statement.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="chunks">The chunks.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many rows were written.</returns>
    Task<int> UpsertAsync(DbIdentity identity, IReadOnlyList<MemoryChunk> chunks, CancellationToken cancellationToken = default);

    /// <summary>Finds the chunks most similar to a query embedding among those visible to the caller.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="query">The query embedding.</param>
    /// <param name="threshold">Only hits with similarity above this.</param>
    /// <param name="count">At most this many (1–1000), best first (ties by id).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The hits.</returns>
    Task<IReadOnlyList<MemorySearchHit>> SearchAsync(DbIdentity identity, IReadOnlyList<float> query, double threshold = 0.7, int count = 10, CancellationToken cancellationToken = default);
}

internal sealed class PostgresCodebaseMemoryStore(IDbSessionFactory sessions) : ICodebaseMemoryStore
{
    private int _vectorState; // 0 unknown, 1 absent, 2 present

    internal static float Norm(IReadOnlyList<float> v, string what)
    {
        if (v.Count is 0 or > 4096)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, $"{what} must have 1..4096 dimensions, got {v.Count}");
        }

        double sum = 0;
        for (int i = 0; i < v.Count; i++)
        {
            if (!float.IsFinite(v[i]))
            {
                throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, $"{what} has a non-finite value at index {i}");
            }

            sum += (double)v[i] * v[i];
        }

        return sum > 0 ? (float)Math.Sqrt(sum) : throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, $"{what} is the zero vector (no direction for cosine similarity)");
    }

    public Task<int> UpsertAsync(DbIdentity identity, IReadOnlyList<MemoryChunk> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count == 0)
        {
            return Task.FromResult(0);
        }

        float[] norms = [.. chunks.Select((c, i) => Norm(c.Embedding, $"embedding of chunk {i} ({c.FilePath}#{c.ChunkIndex})"))];
        return InTransactionAsync(sessions, identity, false, async (s, ct) =>
        {
            // Embeddings travel as one flat float4[] plus dimensions, and are sliced server-side (unnest of a jagged array is not possible).
            NpgsqlCommand cmd = s.Command("""
                INSERT INTO codebase_memory (user_id, session_id, file_path, chunk_index, total_chunks, content, language, embedding, embedding_norm)
                SELECT u.user_id, u.session_id, u.file_path, u.chunk_index, u.total_chunks, u.content, u.language,
                       $10[u.start + 1 : u.start + u.dims], u.norm
                  FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::int[], $9::int[], $11::real[])
                       AS u(user_id, session_id, file_path, chunk_index, total_chunks, content, language, start, dims, norm)
                ON CONFLICT (user_id, file_path, chunk_index) DO UPDATE
                   SET session_id = EXCLUDED.session_id, total_chunks = EXCLUDED.total_chunks, content = EXCLUDED.content, language = EXCLUDED.language,
                       embedding = EXCLUDED.embedding, embedding_norm = EXCLUDED.embedding_norm, indexed_at = clock_timestamp()
                """);
            await using System.Runtime.CompilerServices.ConfiguredAsyncDisposable scope = cmd.ConfigureAwait(false);
            var starts = new int[chunks.Count];
            var flat = new List<float>();
            for (int i = 0; i < chunks.Count; i++)
            {
                starts[i] = flat.Count;
                flat.AddRange(chunks[i].Embedding);
            }

            void Add<T>(NpgsqlDbType t, T[] values) => cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | t, Value = values });
            Add(NpgsqlDbType.Uuid, chunks.Select(c => c.UserId.Value).ToArray());
            Add(NpgsqlDbType.Uuid, chunks.Select(c => c.SessionId?.Value).ToArray());
            Add(NpgsqlDbType.Text, chunks.Select(c => c.FilePath).ToArray());
            Add(NpgsqlDbType.Integer, chunks.Select(c => c.ChunkIndex).ToArray());
            Add(NpgsqlDbType.Integer, chunks.Select(c => c.TotalChunks).ToArray());
            Add(NpgsqlDbType.Text, chunks.Select(c => c.Content).ToArray());
            Add(NpgsqlDbType.Text, chunks.Select(c => c.Language).ToArray());
            Add(NpgsqlDbType.Integer, starts);
            Add(NpgsqlDbType.Integer, chunks.Select(c => c.Embedding.Count).ToArray());
            Add(NpgsqlDbType.Real, flat.ToArray());
            Add(NpgsqlDbType.Real, norms);
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<MemorySearchHit>> SearchAsync(DbIdentity identity, IReadOnlyList<float> query, double threshold = 0.7, int count = 10, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 1000);
        float qNorm = Norm(query, "query embedding");
        return InTransactionAsync(sessions, identity, true, async (s, ct) =>
        {
            bool vector = await HasPgvectorAsync(s, ct).ConfigureAwait(false);

            // Same ordering and threshold either way: similarity DESC, memory_id; pgvector computes 1 - cosine distance.
            string similarity = vector
                ? "1 - (m.embedding::vector <=> $1::real[]::vector)"
                : "(SELECT sum(x::float8 * y::float8) FROM unnest(m.embedding, $1::real[]) AS t(x, y)) / (m.embedding_norm::float8 * $4::float8)";
            return (IReadOnlyList<MemorySearchHit>)await QueryAsync(s, $"""
                SELECT memory_id, file_path, chunk_index, content, sim FROM (
                  SELECT m.memory_id, m.file_path, m.chunk_index, m.content, {similarity} AS sim
                    FROM codebase_memory m WHERE cardinality(m.embedding) = cardinality($1::real[])) c
                 WHERE sim > $2
                 ORDER BY sim DESC, memory_id
                 LIMIT $3
                """, r => new MemorySearchHit(r.GetGuid(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetDouble(4)), ct,
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Real, Value = query.ToArray() }, P(threshold), P(count), P(qNorm)).ConfigureAwait(false);
        }, cancellationToken);
    }

    private async Task<bool> HasPgvectorAsync(DbSession s, CancellationToken ct)
    {
        int state = Volatile.Read(ref _vectorState);
        if (state == 0)
        {
            state = await ScalarAsync(s, "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector')", ct).ConfigureAwait(false) is true ? 2 : 1;
            Volatile.Write(ref _vectorState, state);
        }

        return state == 2;
    }
}
