using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Ibm;

namespace QuantumLM.Quantum;

/// <summary>
/// Finds backends by name: every <see cref="IQuantumBackend"/> registered in the container (the local simulator
/// <c>local</c>), and, when the IBM Quantum Runtime client is registered, any IBM backend name (<c>ibm_fez</c>, …).
/// Lists <c>local</c> first, then the registered backends, then the IBM backends the instance can use, each with its status;
/// a backend whose status cannot be read is listed as not operational with the reason, never dropped silently.
/// </summary>
internal sealed partial class QuantumBackendProvider : IQuantumBackendProvider
{
    private readonly IReadOnlyList<IQuantumBackend> _registered;
    private readonly IbmRuntimeClient? _ibm;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, IQuantumBackend> _ibmBackends = new(StringComparer.Ordinal);

    public QuantumBackendProvider(IEnumerable<IQuantumBackend> backends, IEnumerable<IbmRuntimeClient> ibm, ILogger<QuantumBackendProvider>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(backends);
        ArgumentNullException.ThrowIfNull(ibm);
        _registered = [.. backends.DistinctBy(static b => b.Name, StringComparer.Ordinal).OrderBy(static b => b.Name == "local" ? 0 : 1)];
        _ibm = ibm.LastOrDefault();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public IQuantumBackend GetBackend(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (IQuantumBackend b in _registered)
        {
            if (string.Equals(b.Name, name, StringComparison.Ordinal))
            {
                return b;
            }
        }

        if (_ibm is not null && IbmName().IsMatch(name))
        {
            return _ibmBackends.GetOrAdd(name, static (n, client) => client.GetBackend(n), _ibm);
        }

        string known = string.Join(", ", _registered.Select(static b => b.Name));
        string hint = _ibm is null ? " (IBM Quantum Runtime is not configured)" : " (IBM backend names look like ibm_fez)";
        throw new QuantumLmException(QuantumLmErrorCodes.BackendNotFound, $"no backend named \"{Shorten(name)}\"; available: {known}{hint}");
    }

    public async Task<IReadOnlyList<BackendStatus>> GetBackendsAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<BackendStatus>();
        foreach (IQuantumBackend b in _registered)
        {
            try
            {
                list.Add(await b.GetStatusAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogStatusFailed(_logger, ex, b.Name);
                list.Add(new BackendStatus(b.Name, false, $"status unavailable: {ex.Message}", null, null));
            }
        }

        if (_ibm is not null)
        {
            try
            {
                foreach (IbmBackend b in await _ibm.GetBackendsAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (list.Exists(x => string.Equals(x.Name, b.Name, StringComparison.Ordinal)))
                    {
                        continue;
                    }

                    string message = b.StatusReason is { Length: > 0 } reason ? $"{b.StatusName}: {reason}" : b.StatusName;
                    list.Add(new BackendStatus(b.Name, b.IsOnline, message, b.QueueLength, b.QubitCount));
                }
            }
            catch (Exception ex) when (ex is QuantumLmException or HttpRequestException or TimeoutException)
            {
                LogStatusFailed(_logger, ex, "ibm");
                list.Add(new BackendStatus("ibm", false, $"IBM Quantum Runtime unreachable: {ex.Message}", null, null));
            }
        }

        return list;
    }

    private static string Shorten(string s) => s.Length <= 100 ? s : s[..100] + "…";

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex IbmName();

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "The status of backend {Backend} could not be read")]
    private static partial void LogStatusFailed(ILogger logger, Exception exception, string backend);
}
