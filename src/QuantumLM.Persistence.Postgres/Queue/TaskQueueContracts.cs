using System.Text.Json;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Persistence.Postgres;

/// <summary>Writes a task's result rows inside the transaction that completes the task.</summary>
public interface ITaskResultWriter
{
    /// <summary>Stores an agent event (its NOTIFY is delivered when the completion commits).</summary>
    /// <param name="agentEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored event.</returns>
    Task<AgentEvent> AddEventAsync(NewAgentEvent agentEvent, CancellationToken cancellationToken = default);

    /// <summary>Stores a quantum job record.</summary>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored job.</returns>
    Task<QuantumJobRecord> AddQuantumJobAsync(NewQuantumJob job, CancellationToken cancellationToken = default);

    /// <summary>Stores a commit.</summary>
    /// <param name="commit">The commit.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored commit with its content hash.</returns>
    Task<CommitRecord> AddCommitAsync(NewCommit commit, CancellationToken cancellationToken = default);
}

/// <summary>The PostgreSQL task queue's operations beyond <see cref="ITaskQueue"/>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue.")]
public interface ITransactionalTaskQueue : ITaskQueue, ITransactionalTaskCompletion
{
    /// <summary>
    /// Completes a task and writes its result rows (quantum jobs, agent events, commits) in one transaction: either
    /// all of it commits or nothing does. Returns <see langword="false"/> and writes nothing when the lease was lost.
    /// </summary>
    /// <param name="taskId">The task.</param>
    /// <param name="leaseToken">The token from the claim.</param>
    /// <param name="result">The task's result.</param>
    /// <param name="writeResults">Writes the result rows through the given writer (same transaction).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Whether the task was completed.</returns>
    Task<bool> CompleteAsync(TaskId taskId, Guid leaseToken, JsonElement result, Func<ITaskResultWriter, CancellationToken, Task> writeResults, CancellationToken cancellationToken = default);

    /// <summary>Completes many tasks in one statement (<c>unnest</c>); tasks whose lease was lost are skipped.</summary>
    /// <param name="completions">The tasks, their lease tokens and results.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many tasks were completed.</returns>
    Task<int> CompleteManyAsync(IReadOnlyList<TaskCompletion> completions, CancellationToken cancellationToken = default);

    /// <summary>Queues many tasks in one statement (<c>unnest</c>) with one notification.</summary>
    /// <param name="tasks">The tasks.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The ids, in input order (existing ids for repeated idempotency keys).</returns>
    Task<IReadOnlyList<TaskId>> EnqueueManyAsync(IReadOnlyList<NewAgentTask> tasks, CancellationToken cancellationToken = default);

    /// <summary>Queues a task as a given identity (row-level security applies: a user may only queue their own tasks).</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="task">The task.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The task id.</returns>
    Task<TaskId> EnqueueAsync(DbIdentity identity, NewAgentTask task, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues a task together with rows that belong to it (for example the quantum job the task will run), in one
    /// transaction under <paramref name="identity"/>: <paramref name="prepare"/> receives the id the task will have and a
    /// writer on the same transaction, writes its rows and returns the task to queue. Either everything commits or nothing.
    /// </summary>
    /// <param name="identity">The identity (row-level security applies to the task and to every row written).</param>
    /// <param name="prepare">Writes the rows and returns the task.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The task id (the one given to <paramref name="prepare"/>).</returns>
    Task<TaskId> EnqueueWithRowsAsync(DbIdentity identity, Func<TaskId, ITaskResultWriter, CancellationToken, Task<NewAgentTask>> prepare, CancellationToken cancellationToken = default);

    /// <summary>Cancels a task as a given identity (its owner, <c>jobs:manage</c>, or a service).</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Whether a pending or running task was cancelled.</returns>
    Task<bool> CancelAsync(DbIdentity identity, TaskId taskId, CancellationToken cancellationToken = default);

    /// <summary>Reads a task as a given identity (row-level security applies).</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The task, or <see langword="null"/> when missing or not visible.</returns>
    Task<AgentTask?> GetAsync(DbIdentity identity, TaskId taskId, CancellationToken cancellationToken = default);

    /// <summary>Reads the error history of a task (one entry per failed attempt or expired lease), oldest first.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The entries as JSON objects <c>{attempt, error, transient, worker, at}</c>.</returns>
    Task<IReadOnlyList<JsonElement>> GetErrorHistoryAsync(TaskId taskId, CancellationToken cancellationToken = default);
}

/// <summary>One completion for <see cref="ITransactionalTaskQueue.CompleteManyAsync"/>.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="LeaseToken">The token from the claim.</param>
/// <param name="Result">The result.</param>
public sealed record TaskCompletion(TaskId TaskId, Guid LeaseToken, JsonElement Result);

/// <summary>Queue housekeeping: lease rescue and retention.</summary>
public interface ITaskQueueMaintenance
{
    /// <summary>Returns tasks whose lease expired to pending (or dead-letters them when no attempt is left).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many tasks were rescued.</returns>
    Task<int> RescueExpiredLeasesAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes finished tasks older than their state's retention (in batches).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many rows were deleted.</returns>
    Task<int> PurgeFinishedAsync(CancellationToken cancellationToken = default);
}
