using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Abstractions.Security;
using QuantumLM.Organisms;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Http;

namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>Organism mutation (admin and researcher only; queued as <c>organism:mutate</c>), organisms and their lineage.</summary>
internal static class OrganismEndpoints
{
    private const int MaxGenomeChars = 256 * 1024;
    private static readonly string[] Operators = ["evolve", "crossover", "quantum_enhance", "self_heal"];

    public static RouteGroupBuilder MapOrganismEndpoints(this RouteGroupBuilder api)
    {
        RouteGroupBuilder organisms = api.MapGroup("/organisms").RequireAuthorization().WithTags("Organisms");
        organisms.MapPost("/mutate", MutateAsync);
        organisms.MapGet("/{id:guid}", GetAsync);
        organisms.MapGet("/{id:guid}/lineage", LineageAsync);
        return api;
    }

    private static async Task<IResult> MutateAsync(HttpRequest request, ClaimsPrincipal user, IArenaSessionStore sessions, IPermissionChecker permissions,
        ITransactionalTaskQueue queue, QuantumBackendCatalog backends, IOptions<ApiOptions> options, CancellationToken ct)
    {
        (JsonBody? body, IResult? problem) = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes, ct);
        if (body is null)
        {
            return problem!;
        }

        // Who may act on what comes first: a session the caller cannot see is 404, a caller without the role 403.
        Guid? sessionGuid = body.Uuid("session_id", required: false);
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

        if (!(await permissions.CheckAsync(user.GetUserId(), Permission.OrganismsMutate, ct)).Allowed)
        {
            return ApiProblems.Forbidden($"mutating organisms needs the {Permission.OrganismsMutate} permission (admin or researcher)");
        }

        string? genome = body.String("organism_genome", required: true, maxLength: MaxGenomeChars);
        string? op = body.String("mutation_type", required: true, maxLength: 32);
        JsonElement? parameters = body.Object("mutation_parameters", required: false);
        long? seed = body.Integer("seed", required: false, 0, long.MaxValue);
        string? backend = body.String("backend", required: false, maxLength: 100);
        string? partner = body.String("partner_genome", required: op == "crossover", maxLength: MaxGenomeChars);
        if (op is not null && !Operators.Contains(op, StringComparer.Ordinal))
        {
            body.Fail("mutation_type", $"must be one of {string.Join(", ", Operators)}, got \"{op}\"");
        }

        // self_heal takes broken text by design (it repairs it); every other operator needs a valid genome.
        if (genome is not null && op is not null && op != "self_heal")
        {
            CheckGenome(body, "organism_genome", genome);
        }

        if (partner is not null)
        {
            CheckGenome(body, "partner_genome", partner);
        }

        if (backend is not null && await backends.FindAsync(backend, ct) is null)
        {
            body.Fail("backend", $"unknown backend \"{backend}\"");
        }

        if (!body.IsValid)
        {
            return body.Problem();
        }

        var payload = new JsonObject
        {
            ["genome"] = genome,
            ["operator"] = op,
            ["seed"] = seed ?? (long)(BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 1),
        };
        if (parameters is { } p)
        {
            payload["parameters"] = JsonNode.Parse(p.GetRawText());
        }

        if (partner is not null)
        {
            payload["partner_genome"] = partner;
        }

        if (backend is not null)
        {
            payload["backend"] = backend;
        }

        TaskId id = await queue.EnqueueAsync(identity, new NewAgentTask
        {
            TaskType = TaskType.Parse(TaskType.OrganismMutate),
            Payload = JsonSerializer.SerializeToElement(payload),
            SessionId = sessionId,
            CreatedBy = user.GetUserId(),
        }, ct);
        return TypedResults.Accepted($"/api/tasks/{id.Value}", new { task_id = id.Value, status = "pending", seed = payload["seed"]!.GetValue<long>() });
    }

    private static void CheckGenome(JsonBody body, string field, string text)
    {
        try
        {
            DnaText.Parse(text);
        }
        catch (DnaSyntaxException ex)
        {
            body.Fail(field, ex.Message);
        }
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, IOrganismStore organisms, CancellationToken ct) =>
        await organisms.GetAsync(user.GetDbIdentity(), new OrganismId(id), ct) is { } o
            ? TypedResults.Ok(new
            {
                organism_id = o.OrganismId.Value,
                user_id = o.UserId.Value,
                name = o.Name,
                dna_code = o.DnaCode,
                dna_sha256 = o.DnaHash,
                generation = o.Generation,
                parent_id = o.ParentId?.Value,
                fitness = o.Fitness,
                created_at = o.CreatedAt,
            })
            : ApiProblems.NotFound("the organism");

    private static async Task<IResult> LineageAsync(Guid id, ClaimsPrincipal user, IOrganismStore organisms, CancellationToken ct)
    {
        DbIdentity identity = user.GetDbIdentity();
        if (await organisms.GetAsync(identity, new OrganismId(id), ct) is null)
        {
            return ApiProblems.NotFound("the organism");
        }

        IReadOnlyList<LineageEdge> edges = await organisms.GetAncestryAsync(identity, new OrganismId(id), 1000, ct);
        return TypedResults.Ok(new
        {
            organism_id = id,
            ancestry = edges.Select(static e => new { organism_id = e.OrganismId.Value, parent_id = e.ParentId.Value, @operator = e.Operator, generation = e.Generation }).ToArray(),
        });
    }
}
