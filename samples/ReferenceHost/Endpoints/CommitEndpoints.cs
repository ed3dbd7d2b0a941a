using System.Security.Claims;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Http;

namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>Commits with reproducible content hashes (same session, author, message and diff → same hash).</summary>
internal static class CommitEndpoints
{
    private const int MaxDiffChars = 512 * 1024;

    public static RouteGroupBuilder MapCommitEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/commits", CreateAsync).RequireAuthorization().WithTags("Commits");
        api.MapGet("/arena/session/{id:guid}/commits", ListAsync).RequireAuthorization().WithTags("Commits");
        return api;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, IArenaSessionStore sessions, ICommitStore commits, IOptions<ApiOptions> options, CancellationToken ct)
    {
        (JsonBody? body, IResult? problem) = await JsonBody.ReadAsync(request, Math.Max(options.Value.MaxBodyBytes, 2 * MaxDiffChars), ct);
        if (body is null)
        {
            return problem!;
        }

        Guid? sessionGuid = body.Uuid("session_id", required: true);
        string? message = body.String("commit_message", required: true, maxLength: 10_000);
        string? diff = body.String("diff", required: true, maxLength: MaxDiffChars);
        string? author = body.String("author", required: false, maxLength: 100);
        if (diff is not null && UnifiedDiff.Validate(diff) is { } error)
        {
            body.Fail("diff", error);
        }

        if (!body.IsValid)
        {
            return body.Problem();
        }

        DbIdentity identity = user.GetDbIdentity();
        var sessionId = new SessionId(sessionGuid!.Value);
        if (await sessions.GetAsync(identity, sessionId, ct) is null)
        {
            return ApiProblems.NotFound("the session");
        }

        try
        {
            CommitRecord c = await commits.CreateAsync(identity, new NewCommit
            {
                SessionId = sessionId,
                UserId = user.GetUserId(),
                Message = message!,
                Diff = diff!,
                Author = author ?? "Aura Agent",
            }, ct);
            return TypedResults.Created($"/api/arena/session/{sessionId.Value}/commits", ApiJson.Commit(c));
        }
        catch (QuantumLmException ex) when (ex.ErrorCode == QuantumLmErrorCodes.Forbidden)
        {
            // Visible but not the caller's own session (an admin or arena:view reader): the database refuses the write.
            return ApiProblems.Forbidden("commits are recorded in your own sessions only");
        }
    }

    private static async Task<IResult> ListAsync(Guid id, HttpRequest request, ClaimsPrincipal user, IArenaSessionStore sessions, ICommitStore commits, CancellationToken ct)
    {
        if (!ApiProblems.TryQueryInt(request, "limit", 1, 1000, 100, out long limit, out IResult? problem))
        {
            return problem!;
        }

        DbIdentity identity = user.GetDbIdentity();
        if (await sessions.GetAsync(identity, new SessionId(id), ct) is null)
        {
            return ApiProblems.NotFound("the session");
        }

        IReadOnlyList<CommitRecord> list = await commits.ListAsync(identity, new SessionId(id), (int)limit, ct);
        return TypedResults.Ok(new { commits = list.Select(ApiJson.Commit).ToArray() });
    }
}
