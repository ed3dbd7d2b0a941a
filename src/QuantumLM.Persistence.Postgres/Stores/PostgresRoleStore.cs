using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Security;
using static QuantumLM.Persistence.Postgres.Sql;

namespace QuantumLM.Persistence.Postgres;

/// <summary>One entry of the role-assignment audit trail.</summary>
/// <param name="UserId">The user whose roles changed.</param>
/// <param name="Role">The role.</param>
/// <param name="Granted"><see langword="true"/> for a grant, <see langword="false"/> for a revoke.</param>
/// <param name="Actor">Who did it (<c>user:…</c> or <c>service:…</c>).</param>
/// <param name="At">When.</param>
public sealed record RoleAssignmentAuditEntry(UserId UserId, Role Role, bool Granted, string Actor, DateTimeOffset At);

/// <summary>Grants and revokes roles (row-level security requires <c>roles:manage</c> or a service identity); every change is audited.</summary>
public interface IRoleStore
{
    /// <summary>Grants a role.</summary>
    /// <param name="identity">Who grants it.</param>
    /// <param name="userId">The user.</param>
    /// <param name="role">The role.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when the user already held it.</returns>
    /// <exception cref="QuantumLmException">The identity may not manage roles (<see cref="QuantumLmErrorCodes.Forbidden"/>), or the user does not exist.</exception>
    Task<bool> GrantAsync(DbIdentity identity, UserId userId, Role role, CancellationToken cancellationToken = default);

    /// <summary>Revokes a role.</summary>
    /// <param name="identity">Who revokes it.</param>
    /// <param name="userId">The user.</param>
    /// <param name="role">The role.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when the user did not hold it or the identity may not revoke it.</returns>
    Task<bool> RevokeAsync(DbIdentity identity, UserId userId, Role role, CancellationToken cancellationToken = default);

    /// <summary>Reads the audit trail of a user's role changes, oldest first.</summary>
    /// <param name="identity">Who reads it (needs <c>roles:manage</c> or a service identity; others see nothing).</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<RoleAssignmentAuditEntry>> GetAuditAsync(DbIdentity identity, UserId userId, CancellationToken cancellationToken = default);
}

internal sealed class PostgresRoleStore(IDbSessionFactory sessions) : IRoleStore
{
    public Task<bool> GrantAsync(DbIdentity identity, UserId userId, Role role, CancellationToken cancellationToken = default) =>
        InTransactionAsync(sessions, identity, false, async (s, ct) =>
            await ExecAsync(s, "INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", ct, P(userId.Value), P((short)role)).ConfigureAwait(false) == 1,
            cancellationToken);

    public Task<bool> RevokeAsync(DbIdentity identity, UserId userId, Role role, CancellationToken cancellationToken = default) =>
        InTransactionAsync(sessions, identity, false, async (s, ct) =>
            await ExecAsync(s, "DELETE FROM user_roles WHERE user_id = $1 AND role_id = $2", ct, P(userId.Value), P((short)role)).ConfigureAwait(false) == 1,
            cancellationToken);

    public Task<IReadOnlyList<RoleAssignmentAuditEntry>> GetAuditAsync(DbIdentity identity, UserId userId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(sessions, identity, true, async (s, ct) => (IReadOnlyList<RoleAssignmentAuditEntry>)await QueryAsync(s,
            "SELECT user_id, role_id, action, actor, at FROM role_assignment_audit WHERE user_id = $1 ORDER BY audit_id",
            r => new RoleAssignmentAuditEntry(new UserId(r.GetGuid(0)), (Role)r.GetInt16(1), r.GetString(2) == "grant", r.GetString(3), r.GetFieldValue<DateTimeOffset>(4)),
            ct, P(userId.Value)).ConfigureAwait(false), cancellationToken);
}

/// <summary>Checks permissions against the roles stored in the database (the same rule as the SQL <c>user_has_permission()</c>).</summary>
internal sealed class PostgresPermissionChecker : IPermissionChecker
{
    private readonly IDbSessionFactory _sessions;
    private readonly DbIdentity _service;

    public PostgresPermissionChecker(IDbSessionFactory sessions, IOptions<QuantumLmPostgresOptions> options)
    {
        _sessions = sessions;
        _service = DbIdentity.ForService(options.Value.ServiceName + ":rbac");
    }

    public Task<IReadOnlyList<Role>> GetRolesAsync(UserId userId, CancellationToken cancellationToken = default) =>
        InTransactionAsync(_sessions, _service, true, async (s, ct) => (IReadOnlyList<Role>)await QueryAsync(s,
            "SELECT role_id FROM user_roles WHERE user_id = $1 ORDER BY role_id", r => (Role)r.GetInt16(0), ct, P(userId.Value)).ConfigureAwait(false), cancellationToken);

    public async Task<PermissionCheck> CheckAsync(UserId userId, string permission, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(permission);
        (IReadOnlyList<Role> roles, bool allowed) = await InTransactionAsync(_sessions, _service, true, async (s, ct) =>
        {
            List<Role> roles = await QueryAsync(s, "SELECT role_id FROM user_roles WHERE user_id = $1 ORDER BY role_id", r => (Role)r.GetInt16(0), ct, P(userId.Value)).ConfigureAwait(false);
            bool ok = await ScalarAsync(s, "SELECT user_has_permission($1, $2)", ct, P(userId.Value), P(permission)).ConfigureAwait(false) is true;
            return ((IReadOnlyList<Role>)roles, ok);
        }, cancellationToken).ConfigureAwait(false);
        return new PermissionCheck(permission, allowed, roles);
    }
}
