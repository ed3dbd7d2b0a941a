using System.Text.Json;
using QuantumLM.Abstractions;

namespace QuantumLM.Persistence.Postgres;

/// <summary>A quantum job to record.</summary>
public sealed record NewQuantumJob
{
    /// <summary>Gets the user the job runs for.</summary>
    public required UserId UserId { get; init; }

    /// <summary>Gets the session, if any.</summary>
    public SessionId? SessionId { get; init; }

    /// <summary>Gets the queue task that ran it, if any.</summary>
    public TaskId? TaskId { get; init; }

    /// <summary>Gets the backend name (for example <c>local</c> or <c>ibm_torino</c>).</summary>
    public required string Backend { get; init; }

    /// <summary>Gets the backend's own job id, if any (unique).</summary>
    public string? BackendJobId { get; init; }

    /// <summary>Gets the OpenQASM source.</summary>
    public required string CircuitQasm { get; init; }

    /// <summary>Gets the number of shots.</summary>
    public required int Shots { get; init; }

    /// <summary>Gets the simulator seed, if any.</summary>
    public long? Seed { get; init; }

    /// <summary>Gets the qubit count, if known.</summary>
    public int? NumQubits { get; init; }

    /// <summary>Gets the circuit depth, if known.</summary>
    public int? CircuitDepth { get; init; }

    /// <summary>Gets the status: <c>queued</c>, <c>running</c>, <c>completed</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public string Status { get; init; } = "queued";

    /// <summary>Gets the counts object (required when completed).</summary>
    public JsonElement? Counts { get; init; }

    /// <summary>Gets the metrics object (unknown values are JSON null, never 0.0).</summary>
    public JsonElement? Metrics { get; init; }

    /// <summary>Gets the error (required when failed).</summary>
    public string? ErrorMessage { get; init; }
}

/// <summary>A stored quantum job.</summary>
public sealed record QuantumJobRecord
{
    /// <summary>Gets the job id.</summary>
    public required JobId JobId { get; init; }

    /// <summary>Gets the user.</summary>
    public required UserId UserId { get; init; }

    /// <summary>Gets the session, if any.</summary>
    public SessionId? SessionId { get; init; }

    /// <summary>Gets the task, if any.</summary>
    public TaskId? TaskId { get; init; }

    /// <summary>Gets the backend.</summary>
    public required string Backend { get; init; }

    /// <summary>Gets the backend's job id.</summary>
    public string? BackendJobId { get; init; }

    /// <summary>Gets the shots.</summary>
    public int Shots { get; init; }

    /// <summary>Gets the status.</summary>
    public required string Status { get; init; }

    /// <summary>Gets the counts.</summary>
    public JsonElement? Counts { get; init; }

    /// <summary>Gets the metrics.</summary>
    public JsonElement? Metrics { get; init; }

    /// <summary>Gets the error.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Gets who wrote the row (<c>user:…</c> or <c>service:…</c>).</summary>
    public required string WrittenBy { get; init; }

    /// <summary>Gets when it was submitted.</summary>
    public DateTimeOffset SubmittedAt { get; init; }

    /// <summary>Gets when it finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Gets when it started running, if it did.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets the qubit count, if known.</summary>
    public int? NumQubits { get; init; }

    /// <summary>Gets the simulator seed, if any.</summary>
    public long? Seed { get; init; }
}

/// <summary>A commit to record; its hash is computed from the content (reproducible, no timestamp).</summary>
public sealed record NewCommit
{
    /// <summary>Gets the session.</summary>
    public required SessionId SessionId { get; init; }

    /// <summary>Gets the user the commit belongs to.</summary>
    public required UserId UserId { get; init; }

    /// <summary>Gets the message.</summary>
    public required string Message { get; init; }

    /// <summary>Gets the unified diff.</summary>
    public required string Diff { get; init; }

    /// <summary>Gets the author.</summary>
    /// <value>The default is <c>Aura Agent</c>.</value>
    public string Author { get; init; } = "Aura Agent";
}

/// <summary>A stored commit.</summary>
/// <param name="CommitId">The content hash.</param>
/// <param name="SessionId">The session.</param>
/// <param name="UserId">The user.</param>
/// <param name="Message">The message.</param>
/// <param name="Author">The author.</param>
/// <param name="FilesChanged">Files touched by the diff.</param>
/// <param name="Additions">Added lines.</param>
/// <param name="Deletions">Deleted lines.</param>
/// <param name="CommittedAt">When it was stored.</param>
public sealed record CommitRecord(CommitId CommitId, SessionId SessionId, UserId UserId, string Message, string Author, int FilesChanged, int Additions, int Deletions, DateTimeOffset CommittedAt);
