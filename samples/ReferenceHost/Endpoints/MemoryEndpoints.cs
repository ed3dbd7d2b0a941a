using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Http;
using QuantumLM.ReferenceHost.Memory;

namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>Codebase memory: index documents (chunked and embedded) and search them by meaning (cosine similarity).</summary>
internal static class MemoryEndpoints
{
    private const int ChunkChars = 1500;
    private const int MaxContentChars = 2 * 1024 * 1024;
    private const int MaxChunks = 2000;

    public static RouteGroupBuilder MapMemoryEndpoints(this RouteGroupBuilder api)
    {
        RouteGroupBuilder memory = api.MapGroup("/memory").RequireAuthorization().WithTags("Memory");
        memory.MapPost("/documents", IndexAsync);
        memory.MapGet("/search", SearchAsync);
        return api;
    }

    private static async Task<IResult> IndexAsync(HttpRequest request, ClaimsPrincipal user, IArenaSessionStore sessions, ICodebaseMemoryStore store,
        IEmbeddingGenerator<string, Embedding<float>> embeddings, IOptions<ApiOptions> options, CancellationToken ct)
    {
        (JsonBody? body, IResult? problem) = await JsonBody.ReadAsync(request, Math.Max(options.Value.MaxBodyBytes, 2 * MaxContentChars + 4096), ct);
        if (body is null)
        {
            return problem!;
        }

        string? path = body.String("file_path", required: true, maxLength: 1000);
        string? content = body.String("content", required: true, maxLength: MaxContentChars);
        string? language = body.String("language", required: false, maxLength: 50);
        Guid? sessionGuid = body.Uuid("session_id", required: false);
        IReadOnlyList<string> chunks = content is null ? [] : DocumentChunker.Chunk(content, ChunkChars);
        if (content is not null && chunks.Count == 0)
        {
            body.Fail("content", "has no text to index (only whitespace)");
        }
        else if (chunks.Count > MaxChunks)
        {
            body.Fail("content", $"makes {chunks.Count} chunks; the limit is {MaxChunks}");
        }

        if (!body.IsValid)
        {
            return body.Problem();
        }

        DbIdentity identity = user.GetDbIdentity();
        SessionId? sessionId = sessionGuid is Guid g ? new SessionId(g) : null;
        if (sessionId is { } sid && await sessions.GetAsync(identity, sid, ct) is null)
        {
            return ApiProblems.NotFound("the session");
        }

        GeneratedEmbeddings<Embedding<float>> vectors = await embeddings.GenerateAsync(chunks, cancellationToken: ct);
        UserId owner = user.GetUserId();
        MemoryChunk[] rows = [.. chunks.Select((c, i) => new MemoryChunk(owner, path!, i, chunks.Count, c, vectors[i].Vector.ToArray(), language, sessionId))];
        int written = await store.UpsertAsync(identity, rows, ct);
        return TypedResults.Created($"/api/memory/search?q={Uri.EscapeDataString(path!)}", new
        {
            file_path = path,
            chunks = written,
            dimensions = rows[0].Embedding.Count,
        });
    }

    private static async Task<IResult> SearchAsync(HttpRequest request, ClaimsPrincipal user, ICodebaseMemoryStore store,
        IEmbeddingGenerator<string, Embedding<float>> embeddings, CancellationToken ct)
    {
        string? q = request.Query["q"];
        if (string.IsNullOrWhiteSpace(q))
        {
            return ApiProblems.Validation("q", "is required");
        }

        if (q.Length > 10_000)
        {
            return ApiProblems.Validation("q", $"has {q.Length} characters; the limit is 10000");
        }

        if (!ApiProblems.TryQueryInt(request, "limit", 1, 100, 10, out long limit, out IResult? problem))
        {
            return problem!;
        }

        double threshold = 0.1;
        if (request.Query["threshold"] is { Count: > 0 } raw
            && (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out threshold) || threshold is < -1 or > 1 || double.IsNaN(threshold)))
        {
            return ApiProblems.Validation("threshold", "must be a number between -1 and 1");
        }

        Embedding<float> vector = await embeddings.GenerateAsync(q, cancellationToken: ct);
        IReadOnlyList<MemorySearchHit> hits = await store.SearchAsync(user.GetDbIdentity(), vector.Vector.ToArray(), threshold, (int)limit, ct);
        return TypedResults.Ok(new
        {
            results = hits.Select(static h => new { memory_id = h.MemoryId, file_path = h.FilePath, chunk_index = h.ChunkIndex, content = h.Content, similarity = h.Similarity }).ToArray(),
        });
    }
}
