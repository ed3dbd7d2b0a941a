namespace QuantumLM.ReferenceHost;

/// <summary>
/// What a host process does (<c>--role</c>, configuration key <c>QuantumLM:Role</c>): serve the API, run the worker,
/// or both. Scale out by starting more processes of either role against one PostgreSQL.
/// </summary>
internal enum HostRole
{
    /// <summary>The API and the worker in one process (the default).</summary>
    All,

    /// <summary>The HTTP API only; tasks are run by worker processes.</summary>
    Api,

    /// <summary>The worker only (plus the health endpoints).</summary>
    Worker,
}

/// <summary>Reads <see cref="HostRole"/> from configuration.</summary>
internal static class HostRoles
{
    public const string ConfigurationKey = "QuantumLM:Role";

    public static HostRole Resolve(IConfiguration configuration)
    {
        string? value = configuration[ConfigurationKey] ?? configuration["role"];
        if (string.IsNullOrWhiteSpace(value))
        {
            return HostRole.All;
        }

        return value.Trim().ToLowerInvariant() switch
        {
            "all" => HostRole.All,
            "api" => HostRole.Api,
            "worker" => HostRole.Worker,
            _ => throw new InvalidOperationException($"--role \"{value}\" is not valid: use all, api or worker."),
        };
    }

    public static bool ServesApi(this HostRole role) => role is HostRole.All or HostRole.Api;

    public static bool RunsWorker(this HostRole role) => role is HostRole.All or HostRole.Worker;
}
