using Microsoft.Extensions.Logging;

namespace QuantumLM.Agents;

internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Agent worker {WorkerId} started: concurrency {Concurrency}, task types {TaskTypes}")]
    public static partial void WorkerStarted(this ILogger logger, string workerId, int concurrency, string taskTypes);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Agent worker {WorkerId} stopping: {InFlight} task(s) in flight")]
    public static partial void WorkerStopping(this ILogger logger, string workerId, int inFlight);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Agent worker {WorkerId} stopped")]
    public static partial void WorkerStopped(this ILogger logger, string workerId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Task {TaskId} ({TaskType}) claimed, attempt {Attempt}")]
    public static partial void TaskClaimed(this ILogger logger, Guid taskId, string taskType, int attempt);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Task {TaskId} ({TaskType}) completed in {ElapsedMs} ms")]
    public static partial void TaskCompleted(this ILogger logger, Guid taskId, string taskType, double elapsedMs);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Task {TaskId} ({TaskType}) failed ({Transient}), outcome {Outcome}: {Error}")]
    public static partial void TaskFailed(this ILogger logger, Guid taskId, string taskType, string transient, string outcome, string error);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Task {TaskId} ({TaskType}): lease lost, result discarded")]
    public static partial void LeaseLost(this ILogger logger, Guid taskId, string taskType);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Task {TaskId} ({TaskType}) released on shutdown")]
    public static partial void TaskReleased(this ILogger logger, Guid taskId, string taskType);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "Agent worker {WorkerId}: queue call failed; retrying in {DelayMs} ms")]
    public static partial void QueueError(this ILogger logger, Exception exception, string workerId, double delayMs);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Task {TaskId}: could not publish event {EventType}")]
    public static partial void EventPublishFailed(this ILogger logger, Exception exception, Guid taskId, string eventType);
}
