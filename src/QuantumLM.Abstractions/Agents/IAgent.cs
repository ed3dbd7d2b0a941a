using System.Text.Json;

namespace QuantumLM.Abstractions.Agents;

/// <summary>
/// An agent: executes the tasks of the task types it declares. Implementations are registered through dependency
/// injection and must be thread-safe; the worker may run several tasks at once.
/// </summary>
public interface IAgent
{
    /// <summary>Gets the agent type, the part before the colon of its task types (for example <c>quantum</c>).</summary>
    string AgentType { get; }

    /// <summary>Gets the task types this agent handles.</summary>
    IReadOnlyCollection<string> TaskTypes { get; }

    /// <summary>Executes one task.</summary>
    /// <param name="task">The task.</param>
    /// <param name="context">Services for this execution: event publishing, the lease, the identity it runs under.</param>
    /// <param name="cancellationToken">Signals shutdown or a lost lease.</param>
    /// <returns>The JSON result stored with the task.</returns>
    /// <exception cref="QuantumLmException">The task failed; <see cref="QuantumLmException.IsTransient"/> decides on a retry.</exception>
    Task<JsonElement> ExecuteAsync(AgentTask task, AgentContext context, CancellationToken cancellationToken = default);
}

/// <summary>What an agent gets besides the task itself.</summary>
public sealed record AgentContext
{
    /// <summary>Gets the id of the worker running the task.</summary>
    public required string WorkerId { get; init; }

    /// <summary>Gets the sink that publishes the agent's progress events.</summary>
    public required IAgentEventSink Events { get; init; }

    /// <summary>Gets the attempt number (1 for the first).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>
    /// Gets the rows to write in the transaction that completes the task (final job state, commits, organisms, result
    /// events). Discarded when the task fails or the lease is lost.
    /// </summary>
    public AgentTaskOutputs Outputs { get; init; } = new();
}
