using System.Text.Json;

namespace QuantumLM.Abstractions.Agents;

/// <summary>The life-cycle state of a queued task.</summary>
public enum AgentTaskStatus
{
    /// <summary>Waiting to be claimed (possibly scheduled for later, after a retry backoff).</summary>
    Pending = 0,

    /// <summary>Claimed by a worker that holds a lease on it.</summary>
    Running = 1,

    /// <summary>Finished with a result.</summary>
    Completed = 2,

    /// <summary>Failed permanently or ran out of attempts (dead-lettered), with the error recorded.</summary>
    Failed = 3,

    /// <summary>Cancelled before it finished.</summary>
    Cancelled = 4,
}

/// <summary>A request to queue a task.</summary>
public sealed record NewAgentTask
{
    /// <summary>Gets the task type, <c>&lt;agent&gt;:&lt;action&gt;</c>.</summary>
    public required TaskType TaskType { get; init; }

    /// <summary>Gets the task's JSON payload.</summary>
    public required JsonElement Payload { get; init; }

    /// <summary>Gets the priority: lower runs first.</summary>
    /// <value>The default is 100.</value>
    public int Priority { get; init; } = 100;

    /// <summary>Gets the arena session the task belongs to, if any.</summary>
    public SessionId? SessionId { get; init; }

    /// <summary>Gets the user the task runs for.</summary>
    public UserId? CreatedBy { get; init; }

    /// <summary>Gets the maximum number of attempts before the task is dead-lettered.</summary>
    /// <value>The default is 5.</value>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Gets the earliest time the task may run; <see langword="null"/> means now.</summary>
    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>Gets an optional idempotency key: enqueueing the same key twice returns the first task.</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>A task as stored in the queue.</summary>
public sealed record AgentTask
{
    /// <summary>Gets the task id.</summary>
    public required TaskId Id { get; init; }

    /// <summary>Gets the task type.</summary>
    public required TaskType TaskType { get; init; }

    /// <summary>Gets the payload.</summary>
    public required JsonElement Payload { get; init; }

    /// <summary>Gets the state.</summary>
    public required AgentTaskStatus Status { get; init; }

    /// <summary>Gets the priority (lower runs first).</summary>
    public int Priority { get; init; }

    /// <summary>Gets the session, if any.</summary>
    public SessionId? SessionId { get; init; }

    /// <summary>Gets the user the task runs for.</summary>
    public UserId? CreatedBy { get; init; }

    /// <summary>Gets how many times the task was claimed.</summary>
    public int Attempts { get; init; }

    /// <summary>Gets the attempt limit.</summary>
    public int MaxAttempts { get; init; }

    /// <summary>Gets the worker holding the lease, while running.</summary>
    public string? WorkerId { get; init; }

    /// <summary>Gets when the lease expires, while running.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Gets when the task was queued.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the earliest time the task may run.</summary>
    public DateTimeOffset ScheduledAt { get; init; }

    /// <summary>Gets when the task finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Gets the result, when completed.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Gets the last error, when an attempt failed.</summary>
    public string? Error { get; init; }
}

/// <summary>A task claimed by a worker, with the lease that proves it still owns it.</summary>
/// <param name="Task">The task.</param>
/// <param name="LeaseToken">A token that must accompany heartbeat, completion and failure; a stale token is refused.</param>
public sealed record ClaimedTask(AgentTask Task, Guid LeaseToken);

/// <summary>How a worker reports a failed attempt.</summary>
/// <param name="Error">The error message (no secrets).</param>
/// <param name="IsTransient">Whether another attempt may succeed.</param>
/// <param name="RetryAfter">An explicit delay before the retry, or <see langword="null"/> for the queue's backoff.</param>
public sealed record TaskFailure(string Error, bool IsTransient, TimeSpan? RetryAfter = null);

/// <summary>What the queue did with a failed attempt.</summary>
public enum TaskFailureOutcome
{
    /// <summary>The task went back to pending, scheduled after a backoff.</summary>
    Retried = 0,

    /// <summary>The task failed permanently (a permanent error or no attempts left).</summary>
    DeadLettered = 1,

    /// <summary>The lease was no longer held: nothing was changed.</summary>
    LeaseLost = 2,
}
