using System.Diagnostics.CodeAnalysis;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Agents;

/// <summary>
/// Routes task types to the registered agents. Built once from every <see cref="IAgent"/> in the container; a task type
/// claimed by two agents, or an agent whose task types do not start with its agent type, is a configuration error.
/// </summary>
public sealed class AgentRegistry
{
    private readonly Dictionary<string, IAgent> _byTaskType;

    /// <summary>Initializes the registry.</summary>
    /// <param name="agents">The registered agents.</param>
    /// <exception cref="InvalidOperationException">Two agents handle the same task type, or a task type is malformed or belongs to another agent type.</exception>
    public AgentRegistry(IEnumerable<IAgent> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        _byTaskType = new Dictionary<string, IAgent>(StringComparer.Ordinal);
        foreach (IAgent agent in agents)
        {
            foreach (string taskType in agent.TaskTypes)
            {
                if (!TaskType.TryParse(taskType, out TaskType parsed))
                {
                    throw new InvalidOperationException($"Agent {agent.GetType().Name} declares malformed task type \"{taskType}\"; task types are <agent>:<action>.");
                }

                if (!string.Equals(parsed.Agent, agent.AgentType, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Agent {agent.GetType().Name} (agent type \"{agent.AgentType}\") declares task type \"{taskType}\" of agent type \"{parsed.Agent}\".");
                }

                if (_byTaskType.TryGetValue(taskType, out IAgent? existing))
                {
                    throw new InvalidOperationException($"Task type \"{taskType}\" is handled by both {existing.GetType().Name} and {agent.GetType().Name}.");
                }

                _byTaskType.Add(taskType, agent);
            }
        }

        TaskTypes = _byTaskType.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Gets every task type some agent handles, sorted.</summary>
    public IReadOnlyList<string> TaskTypes { get; }

    /// <summary>Finds the agent for a task type.</summary>
    /// <param name="taskType">The task type.</param>
    /// <param name="agent">The agent, when found.</param>
    /// <returns><see langword="true"/> when an agent handles <paramref name="taskType"/>.</returns>
    public bool TryGetAgent(string taskType, [NotNullWhen(true)] out IAgent? agent) => _byTaskType.TryGetValue(taskType, out agent);

    /// <summary>Returns the agent for a task type, or throws the dispatch-time error.</summary>
    /// <param name="agentType">The agent type the caller named, or <see langword="null"/> to take it from the task type.</param>
    /// <param name="taskType">The task type.</param>
    /// <returns>The agent.</returns>
    /// <exception cref="QuantumLmException"><see cref="QuantumLmErrorCodes.UnknownTaskType"/>: no agent handles the pair.</exception>
    public IAgent GetAgent(string? agentType, string taskType)
    {
        if (taskType is null || !_byTaskType.TryGetValue(taskType, out IAgent? agent))
        {
            throw new QuantumLmException(
                QuantumLmErrorCodes.UnknownTaskType,
                $"no agent handles task type \"{taskType}\"; known task types: {string.Join(", ", TaskTypes)}");
        }

        if (agentType is not null && !string.Equals(agentType, agent.AgentType, StringComparison.Ordinal))
        {
            throw new QuantumLmException(
                QuantumLmErrorCodes.UnknownTaskType,
                $"task type \"{taskType}\" belongs to agent \"{agent.AgentType}\", not \"{agentType}\"");
        }

        return agent;
    }
}
