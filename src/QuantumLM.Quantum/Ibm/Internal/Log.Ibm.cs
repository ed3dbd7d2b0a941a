using Microsoft.Extensions.Logging;

namespace QuantumLM.Quantum;

/// <summary>Log messages of the IBM Runtime client (event ids 3000–3099). Secrets (API key, tokens) never appear in any message.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "IBM Runtime {Method} {Path}: retry {Attempt} in {DelayMs} ms after {Reason}")]
    public static partial void IbmRetrying(this ILogger logger, string method, string path, int attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "IBM IAM token obtained; valid for {LifetimeSeconds} s, refreshed after {RefreshSeconds} s")]
    public static partial void IbmTokenObtained(this ILogger logger, long lifetimeSeconds, double refreshSeconds);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "IBM Runtime {Method} {Path} answered 401; refreshing the IAM token and retrying once")]
    public static partial void IbmUnauthorizedRetry(this ILogger logger, string method, string path);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "IBM IAM token refresh failed ({Reason}); the cached token stays valid for {RemainingSeconds} s and is used")]
    public static partial void IbmTokenRefreshFailed(this ILogger logger, string reason, double remainingSeconds);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "IBM Runtime job {JobId} submitted to {Backend} (client tag {ClientTag})")]
    public static partial void IbmJobSubmitted(this ILogger logger, string jobId, string backend, string clientTag);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "IBM Runtime job submission to {Backend} (client tag {ClientTag}) has an unknown outcome after attempt {Attempt}: {Reason}; looking the job up by its tag")]
    public static partial void IbmSubmitOutcomeUnknown(this ILogger logger, string backend, string clientTag, int attempt, string reason);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "IBM Runtime job {JobId} was created by an earlier attempt (client tag {ClientTag}); adopting it instead of resubmitting")]
    public static partial void IbmSubmitAdopted(this ILogger logger, string jobId, string clientTag);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning, Message = "No IBM Runtime job carries client tag {ClientTag}; resubmitting in {DelayMs} ms (retry {Attempt})")]
    public static partial void IbmSubmitRetrying(this ILogger logger, string clientTag, int attempt, double delayMs);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Debug, Message = "IBM Runtime job {JobId} is {Status} ({ServiceStatus}); next poll in {DelayMs} ms")]
    public static partial void IbmJobPolled(this ILogger logger, string jobId, string status, string serviceStatus, double delayMs);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Information, Message = "IBM Runtime job {JobId} finished as {Status} ({ServiceStatus}, reason code {ReasonCode})")]
    public static partial void IbmJobFinished(this ILogger logger, string jobId, string status, string serviceStatus, int? reasonCode);
}
