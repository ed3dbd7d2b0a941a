using Microsoft.Extensions.Logging;

namespace QuantumLM.Persistence.Postgres;

internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Applied database migration V{Version} ({Name}) in {ElapsedMs} ms")]
    public static partial void MigrationApplied(ILogger logger, int version, string name, double elapsedMs);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Task queue listener connection failed; reconnecting in {DelayMs} ms")]
    public static partial void ListenerFailed(ILogger logger, Exception exception, double delayMs);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Rescued {Count} task(s) whose lease expired")]
    public static partial void LeasesRescued(ILogger logger, int count);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information, Message = "Purged {Count} finished task(s) past retention")]
    public static partial void TasksPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "Task queue maintenance failed")]
    public static partial void MaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Warning, Message = "Event stream for session {SessionId} lost its connection; reconnecting in {DelayMs} ms")]
    public static partial void EventStreamReconnect(ILogger logger, Exception exception, Guid sessionId, double delayMs);
}
