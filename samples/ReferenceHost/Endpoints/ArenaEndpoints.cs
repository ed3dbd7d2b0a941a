using System.Security.Claims;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Http;

namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>Arena sessions (CRUD) and their event history; the live stream is in <see cref="ArenaStreamEndpoints"/>.</summary>
internal static class ArenaEndpoints
{
    private static readonly string[] Statuses = ["active", "paused", "completed"];

    public static RouteGroupBuilder MapArenaEndpoints(this RouteGroupBuilder api)
    {
        RouteGroupBuilder arena = api.MapGroup("/arena").RequireAuthorization().WithTags("Arena");
        arena.MapPost("/session", CreateAsync);
        arena.MapGet("/session", ListAsync);
        arena.MapGet("/session/{id:guid}", GetAsync);
        arena.MapPatch("/session/{id:guid}", UpdateAsync);
        arena.MapDelete("/session/{id:guid}", DeleteAsync);
        arena.MapGet("/events", EventsAsync);
        arena.MapArenaStream();
        return api;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, IArenaSessionStore sessions, Microsoft.Extensions.Options.IOptions<ApiOptions> options, CancellationToken ct)
    {
        (JsonBody? body, IResult? problem) = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes, ct);
        if (body is null)
        {
            return problem!;
        }

        string? name = body.String("session_name", required: true, maxLength: 100);
        if (!body.IsValid)
        {
            return body.Problem();
        }

        ArenaSessionRecord s = await sessions.CreateAsync(user.GetDbIdentity(), name!.Trim(), ct);
        return TypedResults.Created($"/api/arena/session/{s.SessionId.Value}", ApiJson.Session(s));
    }

    private static async Task<IResult> ListAsync(HttpRequest request, ClaimsPrincipal user, IArenaSessionStore sessions, CancellationToken ct)
    {
        if (!ApiProblems.TryQueryInt(request, "limit", 1, 1000, 100, out long limit, out IResult? problem))
        {
            return problem!;
        }

        IReadOnlyList<ArenaSessionRecord> list = await sessions.ListOwnAsync(user.GetDbIdentity(), (int)limit, ct);
        return TypedResults.Ok(new { sessions = list.Select(ApiJson.Session).ToArray() });
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, IArenaSessionStore sessions, CancellationToken ct) =>
        await sessions.GetAsync(user.GetDbIdentity(), new SessionId(id), ct) is { } s
            ? TypedResults.Ok(ApiJson.Session(s))
            : ApiProblems.NotFound("the session");

    private static async Task<IResult> UpdateAsync(Guid id, HttpRequest request, ClaimsPrincipal user, IArenaSessionStore sessions, Microsoft.Extensions.Options.IOptions<ApiOptions> options, CancellationToken ct)
    {
        (JsonBody? body, IResult? problem) = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes, ct);
        if (body is null)
        {
            return problem!;
        }

        string? status = body.String("status", required: true, maxLength: 20);
        if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
        {
            body.Fail("status", $"must be one of {string.Join(", ", Statuses)}, got \"{status}\"");
        }

        if (!body.IsValid)
        {
            return body.Problem();
        }

        return await sessions.UpdateStatusAsync(user.GetDbIdentity(), new SessionId(id), status!, ct) is { } s
            ? TypedResults.Ok(ApiJson.Session(s))
            : ApiProblems.NotFound("the session");
    }

    private static async Task<IResult> DeleteAsync(Guid id, ClaimsPrincipal user, IArenaSessionStore sessions, JobListCache lists, CancellationToken ct)
    {
        if (!await sessions.DeleteAsync(user.GetDbIdentity(), new SessionId(id), ct))
        {
            return ApiProblems.NotFound("the session");
        }

        await lists.InvalidateAsync(user.GetUserId(), ct); // the session's jobs went with it
        return TypedResults.NoContent();
    }

    private static async Task<IResult> EventsAsync(HttpRequest request, ClaimsPrincipal user, IArenaSessionStore sessions, IAgentEventStream events, CancellationToken ct)
    {
        if (!ApiProblems.TryQueryUuid(request, "session_id", out Guid sessionId, out IResult? problem)
            || !ApiProblems.TryQueryInt(request, "after", 0, long.MaxValue, 0, out long after, out problem)
            || !ApiProblems.TryQueryInt(request, "limit", 1, 1000, 100, out long limit, out problem))
        {
            return problem!;
        }

        // The event store runs under the service identity: authorise the caller for the session first.
        if (await sessions.GetAsync(user.GetDbIdentity(), new SessionId(sessionId), ct) is null)
        {
            return ApiProblems.NotFound("the session");
        }

        IReadOnlyList<AgentEvent> page = await events.GetEventsAsync(new SessionId(sessionId), after, (int)limit, ct);
        return TypedResults.Ok(new
        {
            events = page.Select(ApiJson.Event).ToArray(),
            next_after = page.Count > 0 ? page[^1].Id : after,
            has_more = page.Count == limit,
        });
    }
}
