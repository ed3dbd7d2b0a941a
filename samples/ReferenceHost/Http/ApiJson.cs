using System.Text.Json;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Persistence.Postgres;

namespace QuantumLM.ReferenceHost.Http;

/// <summary>The wire shapes of the API's resources (snake_case names spelled out, independent of serializer settings).</summary>
internal static class ApiJson
{
    public static object Session(ArenaSessionRecord s) => new
    {
        session_id = s.SessionId.Value,
        user_id = s.UserId.Value,
        session_name = s.Name,
        status = s.Status,
        total_mutations = s.TotalMutations,
        total_commits = s.TotalCommits,
        total_jobs = s.TotalJobs,
        progress = s.Progress,
        started_at = s.StartedAt,
        ended_at = s.EndedAt,
        last_activity = s.LastActivity,
    };

    public static object Event(AgentEvent e) => new
    {
        event_id = e.Id,
        session_id = e.SessionId.Value,
        agent_type = e.AgentType,
        event_type = e.EventType,
        level = e.Level.ToString().ToLowerInvariant(),
        task_id = e.TaskId?.Value,
        message = e.Message,
        data = e.Data,
        created_at = e.CreatedAt,
    };

    public static object Job(QuantumJobRecord j) => new
    {
        job_id = j.JobId.Value,
        task_id = j.TaskId?.Value,
        session_id = j.SessionId?.Value,
        user_id = j.UserId.Value,
        backend = j.Backend,
        backend_job_id = j.BackendJobId,
        status = j.Status,
        shots = j.Shots,
        seed = j.Seed,
        num_qubits = j.NumQubits,
        counts = j.Counts,
        metrics = j.Metrics,
        error = j.ErrorMessage,
        submitted_at = j.SubmittedAt,
        started_at = j.StartedAt,
        completed_at = j.CompletedAt,
        queue_ms = j.StartedAt is { } st ? (st - j.SubmittedAt).TotalMilliseconds : (double?)null,
        run_ms = j.StartedAt is { } s2 && j.CompletedAt is { } c2 ? (c2 - s2).TotalMilliseconds : (double?)null,
        total_ms = j.CompletedAt is { } c3 ? (c3 - j.SubmittedAt).TotalMilliseconds : (double?)null,
    };

    public static object Task(AgentTask t) => new
    {
        task_id = t.Id.Value,
        task_type = t.TaskType.ToString(),
        status = t.Status.ToString().ToLowerInvariant(),
        priority = t.Priority,
        session_id = t.SessionId?.Value,
        attempts = t.Attempts,
        max_attempts = t.MaxAttempts,
        created_at = t.CreatedAt,
        scheduled_at = t.ScheduledAt,
        completed_at = t.CompletedAt,
        result = t.Result,
        error = t.Error,
    };

    public static object Commit(CommitRecord c) => new
    {
        commit_hash = c.CommitId.Value,
        session_id = c.SessionId.Value,
        user_id = c.UserId.Value,
        commit_message = c.Message,
        author = c.Author,
        files_changed = c.FilesChanged,
        additions = c.Additions,
        deletions = c.Deletions,
        committed_at = c.CommittedAt,
    };

    /// <summary>Serializes an event's SSE data line (compact JSON: no raw newlines).</summary>
    public static string EventData(AgentEvent e) => JsonSerializer.Serialize(Event(e));
}
