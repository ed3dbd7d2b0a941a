using Microsoft.Extensions.Options;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Simulation;

namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>The quantum backends this host can run jobs on, with their limits (provider first, registered backends otherwise).</summary>
internal sealed class QuantumBackendCatalog(IServiceProvider services, IEnumerable<IQuantumBackend> registered, IOptions<LocalSimulatorOptions> local, IOptions<ApiOptions> api)
{
    /// <summary>A backend with its limits.</summary>
    public sealed record Entry(string Name, bool IsOperational, string StatusMessage, int? PendingJobs, int? QubitCount, int MaxShots, bool IsSimulator);

    public async Task<IReadOnlyList<Entry>> ListAsync(CancellationToken ct)
    {
        var statuses = new List<BackendStatus>();
        if (services.GetService<IQuantumBackendProvider>() is { } provider)
        {
            statuses.AddRange(await provider.GetBackendsAsync(ct));
        }

        foreach (IQuantumBackend backend in registered)
        {
            if (!statuses.Any(s => string.Equals(s.Name, backend.Name, StringComparison.Ordinal)))
            {
                statuses.Add(await backend.GetStatusAsync(ct));
            }
        }

        return [.. statuses.OrderBy(static s => s.Name == LocalSimulatorBackend.BackendName ? 0 : 1).ThenBy(static s => s.Name, StringComparer.Ordinal).Select(ToEntry)];
    }

    public async Task<Entry?> FindAsync(string name, CancellationToken ct) =>
        (await ListAsync(ct)).FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.Ordinal));

    private Entry ToEntry(BackendStatus s)
    {
        bool isLocal = s.Name == LocalSimulatorBackend.BackendName;
        return new Entry(s.Name, s.IsOperational, s.StatusMessage, s.PendingJobs, isLocal ? local.Value.MaxQubits : s.QubitCount,
            isLocal ? Math.Min(local.Value.MaxShots, 10_000_000) : api.Value.MaxShotsRemote, isLocal);
    }
}
