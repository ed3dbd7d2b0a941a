using System.Security.Claims;
using QuantumLM.Abstractions;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Auth;
using QuantumLM.ReferenceHost.Http;

namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>Public profiles and the follow graph (<c>/api/users</c>). Unknown and deleted users are 404.</summary>
internal static class UserEndpoints
{
    public const int MaxFollowWindow = 1000;

    public static void MapUserEndpoints(this RouteGroupBuilder api)
    {
        RouteGroupBuilder users = api.MapGroup("/users").WithTags("users").RequireAuthorization();
        users.MapGet("/{id}", GetProfileAsync).WithSummary("A user's profile (e-mail and roles only for the user themself and admins).")
            .Produces<ProfileResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("/{id}/follow", FollowAsync).WithSummary("Follows a user (idempotent).")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        users.MapDelete("/{id}/follow", UnfollowAsync).WithSummary("Stops following a user (idempotent).")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        users.MapGet("/{id}/followers", static (UserId id, int? limit, int? offset, ClaimsPrincipal caller, IUserStore store, IdentityCache identities, CancellationToken ct) =>
                GetGraphAsync(id, followers: true, limit, offset, caller, store, identities, ct))
            .WithSummary("The user's followers, newest first (limit 1-100, default 50; offset + limit at most 1000).")
            .Produces<FollowPage>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        users.MapGet("/{id}/following", static (UserId id, int? limit, int? offset, ClaimsPrincipal caller, IUserStore store, IdentityCache identities, CancellationToken ct) =>
                GetGraphAsync(id, followers: false, limit, offset, caller, store, identities, ct))
            .WithSummary("The users this user follows, newest first (limit 1-100, default 50; offset + limit at most 1000).")
            .Produces<FollowPage>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult UnknownUser(UserId id) => Problems.NotFound($"User {id} does not exist.");

    private static async Task<IResult> GetProfileAsync(UserId id, ClaimsPrincipal caller, IUserStore store, IdentityCache identities, CancellationToken ct)
    {
        if (!(await identities.GetAccountAsync(id, ct)).Exists)
        {
            return UnknownUser(id);
        }

        ProfileRecord? profile = id == caller.GetUserId()
            ? await identities.GetOwnProfileAsync(id, ct)
            : await store.GetProfileAsync(caller.GetDbIdentity(), id, ct);
        return profile is null ? UnknownUser(id) : TypedResults.Ok(ProfileResponse.From(profile));
    }

    private static async Task<IResult> FollowAsync(UserId id, ClaimsPrincipal caller, IUserStore store, IdentityCache identities, CancellationToken ct)
    {
        UserId me = caller.GetUserId();
        if (id == me)
        {
            return Problems.Validation("id", "you cannot follow yourself");
        }

        if (!(await identities.GetAccountAsync(id, ct)).Exists)
        {
            return UnknownUser(id);
        }

        if (await store.FollowAsync(caller.GetDbIdentity(), id, ct))
        {
            await identities.InvalidateAsync(me, ct);
            await identities.InvalidateAsync(id, ct);
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> UnfollowAsync(UserId id, ClaimsPrincipal caller, IUserStore store, IdentityCache identities, CancellationToken ct)
    {
        UserId me = caller.GetUserId();
        if (id != me && !(await identities.GetAccountAsync(id, ct)).Exists)
        {
            return UnknownUser(id);
        }

        if (await store.UnfollowAsync(caller.GetDbIdentity(), id, ct))
        {
            await identities.InvalidateAsync(me, ct);
            await identities.InvalidateAsync(id, ct);
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> GetGraphAsync(
        UserId id, bool followers, int? limit, int? offset, ClaimsPrincipal caller, IUserStore store, IdentityCache identities, CancellationToken ct)
    {
        var errors = new FieldErrors();
        int take = limit ?? 50;
        int skip = offset ?? 0;
        errors.Range("limit", take, 1, 100);
        errors.Range("offset", skip, 0, MaxFollowWindow - 1);
        if (!errors.HasErrors && skip + take > MaxFollowWindow)
        {
            errors.Add("offset", $"offset + limit must be at most {MaxFollowWindow}");
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        if (!(await identities.GetAccountAsync(id, ct)).Exists)
        {
            return UnknownUser(id);
        }

        int window = Math.Min(MaxFollowWindow, skip + take + 1);
        IReadOnlyList<UserId> all = await store.GetFollowGraphAsync(caller.GetDbIdentity(), id, followers, window, ct);
        FollowEntry[] items = [.. all.Skip(skip).Take(take).Select(static u => new FollowEntry(u.Value))];
        int? next = all.Count > skip + take && skip + take < MaxFollowWindow ? skip + take : null;
        return TypedResults.Ok(new FollowPage(id.Value, items, take, skip, next));
    }
}
