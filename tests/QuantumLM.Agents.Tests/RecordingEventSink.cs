using System.Collections.Concurrent;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Agents.Tests;

/// <summary>Collects published events in memory (for agent unit tests; the Postgres sink is tested in the persistence tests).</summary>
internal sealed class RecordingEventSink : IAgentEventSink
{
    private long _id;

    public ConcurrentQueue<AgentEvent> Events { get; } = new();

    public Task<AgentEvent> PublishAsync(NewAgentEvent e, CancellationToken cancellationToken = default)
    {
        var stored = new AgentEvent
        {
            Id = Interlocked.Increment(ref _id),
            SessionId = e.SessionId,
            AgentType = e.AgentType,
            EventType = e.EventType,
            Level = e.Level,
            TaskId = e.TaskId,
            Message = e.Message,
            Data = e.Data,
        };
        Events.Enqueue(stored);
        return Task.FromResult(stored);
    }
}
