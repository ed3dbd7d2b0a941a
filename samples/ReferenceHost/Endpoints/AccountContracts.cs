using QuantumLM.Abstractions.Security;
using QuantumLM.Persistence.Postgres;

namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary><c>POST /api/auth/signup</c>.</summary>
internal sealed record SignupRequest(string? Email, string? Password, string? DisplayName);

/// <summary>The answer to a sign-up.</summary>
internal sealed record SignupResponse(Guid UserId, string Email);

/// <summary><c>POST /api/auth/login</c>.</summary>
internal sealed record LoginRequest(string? Email, string? Password);

/// <summary><c>POST /api/auth/refresh</c> and <c>POST /api/auth/logout</c>.</summary>
internal sealed record RefreshRequest(string? RefreshToken);

/// <summary>The answer to a login or refresh.</summary>
internal sealed record TokenResponse(string AccessToken, string RefreshToken, string TokenType, int ExpiresIn);

/// <summary><c>PUT /api/auth/profile</c>: a field left out (or null) is unchanged.</summary>
internal sealed record ProfileUpdateRequest(string? DisplayName, string? Bio, string? AvatarUrl);

/// <summary>A profile. <c>email</c> and <c>roles</c> are filled only for the user themself and admins.</summary>
internal sealed record ProfileResponse(
    Guid UserId, string? Email, string? DisplayName, string? Bio, string? AvatarUrl, IReadOnlyList<Role> Roles, int FollowerCount, int FollowingCount, int Reputation)
{
    public static ProfileResponse From(ProfileRecord p) =>
        new(p.UserId.Value, p.Email, p.DisplayName, p.Bio, p.AvatarUrl, p.Roles, p.FollowerCount, p.FollowingCount, p.Reputation);
}

/// <summary>One user in a follow list.</summary>
internal sealed record FollowEntry(Guid UserId);

/// <summary>A page of followers or followed users, newest first.</summary>
internal sealed record FollowPage(Guid UserId, IReadOnlyList<FollowEntry> Items, int Limit, int Offset, int? NextOffset);

/// <summary>The answer to a role grant or revoke.</summary>
internal sealed record RoleChangeResponse(Guid UserId, Role Role, bool Changed, IReadOnlyList<Role> Roles);

/// <summary>One audit entry of a user's role changes.</summary>
internal sealed record RoleAuditEntry(Role Role, string Action, string Actor, DateTimeOffset At);

/// <summary><c>GET /api/rbac/check</c>.</summary>
internal sealed record PermissionCheckResponse(string Permission, bool Allowed, IReadOnlyList<Role> Roles);
