using System.ComponentModel;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Security;
using QuantumLM.Persistence.Postgres;

namespace QuantumLM.ReferenceHost.Auth;

/// <summary>An account as cached: <see cref="Exists"/> is false for unknown and deleted users.</summary>
[ImmutableObject(true)]
internal sealed record CachedAccount(bool Exists, string? Email, string? ExternalIssuer);

/// <summary>A user's roles as cached.</summary>
[ImmutableObject(true)]
internal sealed record CachedRoles(Role[] Roles);

/// <summary>
/// Hot identity reads through <see cref="HybridCache"/>: whether an account exists (checked on every authenticated
/// request), a user's roles (permission checks) and a user's own profile. Every entry is tagged with its user, and
/// <see cref="InvalidateAsync"/> drops them all when the user, their roles, their profile or their follows change.
/// Entries live <see cref="AuthOptions.IdentityCacheDuration"/> at most, which bounds how stale another process's
/// view can be (the cache is per process).
/// </summary>
internal sealed class IdentityCache(HybridCache cache, IAccountStore accounts, IPermissionChecker permissions, IUserStore users, IOptions<AuthOptions> options)
{
    private HybridCacheEntryOptions Entry => new()
    {
        Expiration = options.Value.IdentityCacheDuration,
        LocalCacheExpiration = options.Value.IdentityCacheDuration,
    };

    private static string Tag(UserId user) => "user:" + user;

    /// <summary>Gets the account, or a non-existing marker for unknown and deleted users.</summary>
    public ValueTask<CachedAccount> GetAccountAsync(UserId user, CancellationToken cancellationToken = default) =>
        cache.GetOrCreateAsync(
            "account:" + user,
            (accounts, user),
            static async (state, ct) => await state.accounts.GetAccountAsync(state.user, ct) is { } a
                ? new CachedAccount(true, a.Email, a.ExternalIssuer)
                : new CachedAccount(false, null, null),
            Entry,
            [Tag(user)],
            cancellationToken);

    /// <summary>Gets the user's roles (from the database, never from the token).</summary>
    public async ValueTask<IReadOnlyList<Role>> GetRolesAsync(UserId user, CancellationToken cancellationToken = default) =>
        (await cache.GetOrCreateAsync(
            "roles:" + user,
            (permissions, user),
            static async (state, ct) => new CachedRoles([.. await state.permissions.GetRolesAsync(state.user, ct)]),
            Entry,
            [Tag(user)],
            cancellationToken)).Roles;

    /// <summary>Checks a permission against the user's roles (the rule of <see cref="Permission.IsGranted"/>, which mirrors the database's <c>user_has_permission</c>).</summary>
    public async ValueTask<PermissionCheck> CheckAsync(UserId user, string permission, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<Role> roles = await GetRolesAsync(user, cancellationToken);
        return new PermissionCheck(permission, Permission.IsGranted(roles, permission), roles);
    }

    /// <summary>Gets the user's own profile (as the user sees it: with e-mail and roles).</summary>
    public ValueTask<ProfileRecord?> GetOwnProfileAsync(UserId user, CancellationToken cancellationToken = default) =>
        cache.GetOrCreateAsync(
            "profile:" + user,
            (users, user),
            static (state, ct) => new ValueTask<ProfileRecord?>(state.users.GetProfileAsync(DbIdentity.ForUser(state.user), state.user, ct)),
            Entry,
            [Tag(user)],
            cancellationToken);

    /// <summary>Drops every cached entry of the user.</summary>
    public ValueTask InvalidateAsync(UserId user, CancellationToken cancellationToken = default) =>
        cache.RemoveByTagAsync(Tag(user), cancellationToken);
}
