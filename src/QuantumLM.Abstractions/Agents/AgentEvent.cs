using System.Text.Json;

namespace QuantumLM.Abstractions.Agents;

/// <summary>The severity of an agent event.</summary>
public enum AgentEventLevel
{
    /// <summary>Detailed progress.</summary>
    Debug = 0,

    /// <summary>Normal progress.</summary>
    Info = 1,

    /// <summary>Something unexpected that did not stop the task.</summary>
    Warning = 2,

    /// <summary>A failure.</summary>
    Error = 3,
}

/// <summary>An event to publish (before it has an id).</summary>
public sealed record NewAgentEvent
{
    /// <summary>Gets the session the event belongs to.</summary>
    public required SessionId SessionId { get; init; }

    /// <summary>Gets the agent that produced it (for example <c>quantum</c>).</summary>
    public required string AgentType { get; init; }

    /// <summary>Gets the event type (for example <c>task_started</c>, <c>job_completed</c>).</summary>
    public required string EventType { get; init; }

    /// <summary>Gets the severity.</summary>
    public AgentEventLevel Level { get; init; } = AgentEventLevel.Info;

    /// <summary>Gets the task the event is about, if any.</summary>
    public TaskId? TaskId { get; init; }

    /// <summary>Gets a short human-readable message.</summary>
    public string? Message { get; init; }

    /// <summary>Gets structured data.</summary>
    public JsonElement? Data { get; init; }
}

/// <summary>A stored agent event. Ids increase in the order events were stored within a session, so a stream can resume after one.</summary>
public sealed record AgentEvent
{
    /// <summary>Gets the event id (monotonic).</summary>
    public required long Id { get; init; }

    /// <summary>Gets the session.</summary>
    public required SessionId SessionId { get; init; }

    /// <summary>Gets the agent that produced it.</summary>
    public required string AgentType { get; init; }

    /// <summary>Gets the event type.</summary>
    public required string EventType { get; init; }

    /// <summary>Gets the severity.</summary>
    public AgentEventLevel Level { get; init; }

    /// <summary>Gets the task, if any.</summary>
    public TaskId? TaskId { get; init; }

    /// <summary>Gets the message.</summary>
    public string? Message { get; init; }

    /// <summary>Gets structured data.</summary>
    public JsonElement? Data { get; init; }

    /// <summary>Gets when the event was stored.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Publishes agent events.</summary>
public interface IAgentEventSink
{
    /// <summary>Stores and announces an event.</summary>
    /// <param name="agentEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored event with its id.</returns>
    Task<AgentEvent> PublishAsync(NewAgentEvent agentEvent, CancellationToken cancellationToken = default);
}

/// <summary>Reads agent events, as history pages or as a live stream that resumes after a given id without gaps.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A stream of agent events; the name is part of the platform contract.")]
public interface IAgentEventStream
{
    /// <summary>Reads a page of stored events, oldest first.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="afterId">Only events with a larger id; <see langword="null"/> from the start.</param>
    /// <param name="limit">The page size.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The events.</returns>
    Task<IReadOnlyList<AgentEvent>> GetEventsAsync(SessionId sessionId, long? afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Streams the session's events after <paramref name="afterId"/>: first the stored backlog, then live events as they are stored.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="afterId">The last id the caller has seen (for example from <c>Last-Event-ID</c>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events, in id order, never skipping one.</returns>
    IAsyncEnumerable<AgentEvent> StreamAsync(SessionId sessionId, long? afterId, CancellationToken cancellationToken = default);
}
