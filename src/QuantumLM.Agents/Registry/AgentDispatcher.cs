using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Agents;

/// <summary>
/// Queues tasks for the agents, refusing at dispatch time a task type that no registered agent handles (so nothing is
/// queued only to fail later).
/// </summary>
public sealed class AgentDispatcher
{
    private readonly ITaskQueue _queue;
    private readonly AgentRegistry _registry;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="queue">The task queue.</param>
    /// <param name="registry">The agent registry.</param>
    public AgentDispatcher(ITaskQueue queue, AgentRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(registry);
        _queue = queue;
        _registry = registry;
    }

    /// <summary>Validates the task type (and the agent type, when given) and queues the task.</summary>
    /// <param name="task">The task.</param>
    /// <param name="agentType">The agent type the caller named, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The queued task's id.</returns>
    /// <exception cref="QuantumLmException"><see cref="QuantumLmErrorCodes.UnknownTaskType"/> when no agent handles the pair.</exception>
    public Task<TaskId> DispatchAsync(NewAgentTask task, string? agentType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        _registry.GetAgent(agentType, task.TaskType.ToString());
        return _queue.EnqueueAsync(task, cancellationToken);
    }
}
