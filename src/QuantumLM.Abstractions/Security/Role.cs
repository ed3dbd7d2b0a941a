namespace QuantumLM.Abstractions.Security;

/// <summary>The platform roles, with the ids used in the database.</summary>
public enum Role
{
    /// <summary>Full system access.</summary>
    Admin = 1,

    /// <summary>Runs experiments, mutates organisms, publishes results.</summary>
    Researcher = 2,

    /// <summary>Monitors the arena and manages jobs.</summary>
    Operator = 3,

    /// <summary>Read-only access.</summary>
    Viewer = 4,

    /// <summary>Mines tokens.</summary>
    Miner = 5,
}

/// <summary>Permission names. An admin holds <see cref="All"/>, which grants every permission.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The permission names; the name is part of the platform contract.")]
public static class Permission
{
    /// <summary>Every permission (admin).</summary>
    public const string All = "*";

    /// <summary>Create experiments: quantum jobs and organism mutations.</summary>
    public const string ExperimentsCreate = "experiments:create";

    /// <summary>Read experiments.</summary>
    public const string ExperimentsRead = "experiments:read";

    /// <summary>Create projects.</summary>
    public const string ProjectsCreate = "projects:create";

    /// <summary>Read projects.</summary>
    public const string ProjectsRead = "projects:read";

    /// <summary>View the arena operator dashboard.</summary>
    public const string ArenaView = "arena:view";

    /// <summary>Manage (cancel, retry) jobs of any user.</summary>
    public const string JobsManage = "jobs:manage";

    /// <summary>Run mining tasks.</summary>
    public const string MiningExecute = "mining:execute";

    /// <summary>Claim tokens.</summary>
    public const string TokensClaim = "tokens:claim";

    /// <summary>Assign and revoke roles.</summary>
    public const string RolesManage = "roles:manage";

    /// <summary>Mutate organisms (admin and researcher).</summary>
    public const string OrganismsMutate = "organisms:mutate";

    /// <summary>Gets the permissions each role holds, as seeded in the database.</summary>
    public static IReadOnlyDictionary<Role, IReadOnlyList<string>> ByRole { get; } = new Dictionary<Role, IReadOnlyList<string>>
    {
        [Role.Admin] = [All],
        [Role.Researcher] = [ExperimentsCreate, ExperimentsRead, ProjectsCreate, OrganismsMutate],
        [Role.Operator] = [ArenaView, JobsManage],
        [Role.Viewer] = [ExperimentsRead, ProjectsRead],
        [Role.Miner] = [MiningExecute, TokensClaim],
    };

    /// <summary>Decides whether a set of roles grants a permission.</summary>
    /// <param name="roles">The roles held.</param>
    /// <param name="permission">The permission asked for.</param>
    /// <returns><see langword="true"/> when any role grants it (or grants <see cref="All"/>).</returns>
    public static bool IsGranted(IEnumerable<Role> roles, string permission)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentException.ThrowIfNullOrWhiteSpace(permission);
        foreach (Role role in roles)
        {
            if (ByRole.TryGetValue(role, out var granted) && (granted.Contains(All) || granted.Contains(permission)))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The outcome of a permission check.</summary>
/// <param name="Permission">The permission asked for.</param>
/// <param name="Allowed">Whether it is granted.</param>
/// <param name="Roles">The roles the user holds.</param>
public sealed record PermissionCheck(string Permission, bool Allowed, IReadOnlyList<Role> Roles);

/// <summary>Checks a user's permissions against their roles.</summary>
public interface IPermissionChecker
{
    /// <summary>Reads a user's roles.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The roles.</returns>
    Task<IReadOnlyList<Role>> GetRolesAsync(UserId userId, CancellationToken cancellationToken = default);

    /// <summary>Checks one permission.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="permission">The permission, one of <see cref="Permission"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The outcome, with the roles.</returns>
    Task<PermissionCheck> CheckAsync(UserId userId, string permission, CancellationToken cancellationToken = default);
}
