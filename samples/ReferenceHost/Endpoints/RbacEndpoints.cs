using System.Security.Claims;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Security;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Auth;
using QuantumLM.ReferenceHost.Http;

namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>
/// Permission checks (<c>/api/rbac/check</c>) and administration (<c>/api/admin</c>): role grants and revokes (audited
/// by the database, actor = the admin), the audit trail, and account deletion. Admin endpoints answer 403 to callers
/// without the permission: the endpoints are documented, so their existence is no secret, unlike a user's resources.
/// </summary>
internal static class RbacEndpoints
{
    private static readonly string[] s_roleNames = [.. Enum.GetValues<Role>().Select(static r => r.ToString().ToLowerInvariant())];

    public static void MapRbacEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/rbac/check", CheckAsync).RequireAuthorization().WithTags("rbac")
            .WithSummary("Whether the caller holds a permission, with the caller's roles.")
            .Produces<PermissionCheckResponse>().ProducesValidationProblem();

        RouteGroupBuilder admin = api.MapGroup("/admin/users/{id}").WithTags("admin").RequireAuthorization();
        admin.MapPost("/roles/{role}", static (UserId id, string role, ClaimsPrincipal caller, IRoleStore roles, IdentityCache identities, ILogger<RoleChangeResponse> logger, CancellationToken ct) =>
                ChangeRoleAsync(id, role, grant: true, caller, roles, identities, logger, ct))
            .WithSummary("Grants a role (needs roles:manage).")
            .Produces<RoleChangeResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapDelete("/roles/{role}", static (UserId id, string role, ClaimsPrincipal caller, IRoleStore roles, IdentityCache identities, ILogger<RoleChangeResponse> logger, CancellationToken ct) =>
                ChangeRoleAsync(id, role, grant: false, caller, roles, identities, logger, ct))
            .WithSummary("Revokes a role (needs roles:manage).")
            .Produces<RoleChangeResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("/roles/audit", GetAuditAsync).WithSummary("The user's role changes, oldest first (needs roles:manage).")
            .Produces<RoleAuditEntry[]>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapDelete("/", DeleteUserAsync).WithSummary("Deletes an account (admin only); its tokens stop working.")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> CheckAsync(string? permission, ClaimsPrincipal caller, IdentityCache identities, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (errors.Required("permission", permission))
        {
            errors.Length("permission", permission, 1, 100);
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        PermissionCheck check = await identities.CheckAsync(caller.GetUserId(), permission!.Trim(), ct);
        return TypedResults.Ok(new PermissionCheckResponse(check.Permission, check.Allowed, check.Roles));
    }

    private static async Task<IResult?> RequireRolesManageAsync(ClaimsPrincipal caller, IdentityCache identities, CancellationToken ct) =>
        (await identities.CheckAsync(caller.GetUserId(), Permission.RolesManage, ct)).Allowed
            ? null
            : Problems.Forbidden($"This operation needs the {Permission.RolesManage} permission (admin).");

    private static async Task<IResult> ChangeRoleAsync(
        UserId id, string role, bool grant, ClaimsPrincipal caller, IRoleStore roles, IdentityCache identities, ILogger logger, CancellationToken ct)
    {
        if (await RequireRolesManageAsync(caller, identities, ct) is { } forbidden)
        {
            return forbidden;
        }

        if (!s_roleNames.Contains(role, StringComparer.Ordinal))
        {
            return Problems.Validation("role", $"must be one of: {string.Join(", ", s_roleNames)}");
        }

        if (!(await identities.GetAccountAsync(id, ct)).Exists)
        {
            return Problems.NotFound($"User {id} does not exist.");
        }

        Role parsed = Enum.Parse<Role>(role, ignoreCase: true);
        UserId admin = caller.GetUserId();
        DbIdentity actor = caller.GetDbIdentity();
        bool changed = grant ? await roles.GrantAsync(actor, id, parsed, ct) : await roles.RevokeAsync(actor, id, parsed, ct);
        await identities.InvalidateAsync(id, ct);
        logger.RoleChanged(role, grant ? "granted to" : "revoked from", id, admin, changed);
        return TypedResults.Ok(new RoleChangeResponse(id.Value, parsed, changed, await identities.GetRolesAsync(id, ct)));
    }

    private static async Task<IResult> GetAuditAsync(UserId id, ClaimsPrincipal caller, IRoleStore roles, IdentityCache identities, CancellationToken ct)
    {
        if (await RequireRolesManageAsync(caller, identities, ct) is { } forbidden)
        {
            return forbidden;
        }

        IReadOnlyList<RoleAssignmentAuditEntry> entries = await roles.GetAuditAsync(caller.GetDbIdentity(), id, ct);
        return TypedResults.Ok(entries.Select(static e => new RoleAuditEntry(e.Role, e.Granted ? "grant" : "revoke", e.Actor, e.At)).ToArray());
    }

    private static async Task<IResult> DeleteUserAsync(UserId id, ClaimsPrincipal caller, IAccountStore accounts, IdentityCache identities, CancellationToken ct)
    {
        UserId me = caller.GetUserId();
        if (!(await identities.GetRolesAsync(me, ct)).Contains(Role.Admin))
        {
            return Problems.Forbidden("Deleting accounts needs the admin role.");
        }

        if (id == me)
        {
            return Problems.Validation("id", "an admin cannot delete their own account here");
        }

        bool deleted = await accounts.DeleteUserAsync(caller.GetDbIdentity(), id, ct);
        await identities.InvalidateAsync(id, ct);
        return deleted ? TypedResults.NoContent() : Problems.NotFound($"User {id} does not exist.");
    }
}
