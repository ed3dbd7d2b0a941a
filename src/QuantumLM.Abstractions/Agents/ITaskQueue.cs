using System.Text.Json;

namespace QuantumLM.Abstractions.Agents;

/// <summary>
/// A durable, at-least-once task queue with leases: a worker claims a batch, heartbeats while it works, and completes
/// or fails each task with the lease token it was given. A task whose lease expires becomes claimable again.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue; the name is part of the platform contract.")]
public interface ITaskQueue
{
    /// <summary>Queues a task.</summary>
    /// <param name="task">The task.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new task's id (or the existing one for a repeated idempotency key).</returns>
    Task<TaskId> EnqueueAsync(NewAgentTask task, CancellationToken cancellationToken = default);

    /// <summary>Claims up to <paramref name="maxCount"/> runnable tasks, in priority order, each leased to <paramref name="workerId"/>.</summary>
    /// <param name="workerId">The claiming worker.</param>
    /// <param name="maxCount">The batch size.</param>
    /// <param name="lease">How long the claim holds without a heartbeat.</param>
    /// <param name="taskTypes">Only these task types, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The claimed tasks (possibly none).</returns>
    Task<IReadOnlyList<ClaimedTask>> ClaimAsync(string workerId, int maxCount, TimeSpan lease, IReadOnlyCollection<string>? taskTypes = null, CancellationToken cancellationToken = default);

    /// <summary>Extends a lease.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="leaseToken">The token from the claim.</param>
    /// <param name="lease">The new lease length from now.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when the lease was lost (the task was reclaimed, cancelled or finished).</returns>
    Task<bool> HeartbeatAsync(TaskId taskId, Guid leaseToken, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Completes a task with its result.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="leaseToken">The token from the claim.</param>
    /// <param name="result">The result.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when the lease was lost and nothing was written.</returns>
    Task<bool> CompleteAsync(TaskId taskId, Guid leaseToken, JsonElement result, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt and decides between a retry and the dead letter.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="leaseToken">The token from the claim.</param>
    /// <param name="failure">The error and whether it is transient.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What the queue did.</returns>
    Task<TaskFailureOutcome> FailAsync(TaskId taskId, Guid leaseToken, TaskFailure failure, CancellationToken cancellationToken = default);

    /// <summary>Gives a claimed task back untouched (for example on shutdown), without counting the attempt as failed.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="leaseToken">The token from the claim.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when the lease was already lost.</returns>
    Task<bool> ReleaseAsync(TaskId taskId, Guid leaseToken, CancellationToken cancellationToken = default);

    /// <summary>Cancels a pending or running task.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="false"/> when the task was already finished or does not exist.</returns>
    Task<bool> CancelAsync(TaskId taskId, CancellationToken cancellationToken = default);

    /// <summary>Reads a task.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The task, or <see langword="null"/> when it does not exist or is not visible.</returns>
    Task<AgentTask?> GetAsync(TaskId taskId, CancellationToken cancellationToken = default);
}
