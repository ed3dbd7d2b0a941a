using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Testing;
using static QuantumLM.Agents.Tests.PlatformHost;

namespace QuantumLM.Agents.Tests;

/// <summary>The coder's output recorded as a commit in commit_logs, with the task's completion.</summary>
public sealed class CoderCommitTests : IClassFixture<PostgresDatabase>
{
    private readonly PostgresDatabase _db;

    public CoderCommitTests(PostgresDatabase db) => _db = db;

    /// <summary>The stored hash, written out independently of the product code from its documented definition.</summary>
    private static string ExpectedHash(SessionId session, string author, string message, string diff)
    {
        var sb = new StringBuilder("quantumlm-commit-v1\n");
        foreach (string part in new[] { session.Value.ToString(), author, message, diff })
        {
            sb.Append(part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    [Fact]
    public async Task Generate_InASession_RecordsTheCommit_Once()
    {
        using IHost host = await StartAsync(_db);
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        var dispatcher = host.Services.GetRequiredService<AgentDispatcher>();
        const string payload = """{"prompt":"Add two numbers","language":"python"}""";
        TaskId first = await dispatcher.DispatchAsync(Task(TaskType.CoderGenerate, payload, user, session));
        AgentTask done = await WaitForCompletedAsync(host, first);
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        JsonElement commit = done.Result!.Value.GetProperty("commit");
        Assert.True(commit.GetProperty("recorded").GetBoolean());
        string diff = commit.GetProperty("diff").GetString()!;
        string message = commit.GetProperty("message").GetString()!;

        var row = Assert.Single(await QueryAsync(_db, "SELECT commit_hash, user_id, commit_message, author, files_changed, additions, deletions, diff FROM commit_logs WHERE session_id = $1", session.Value));
        Assert.Equal(ExpectedHash(session, "coder agent", message, diff), row["commit_hash"]);
        Assert.Equal(commit.GetProperty("commit_hash").GetString(), row["commit_hash"]);
        Assert.Equal(user.Value, row["user_id"]);
        Assert.Equal(diff, row["diff"]);
        Assert.Equal(1, row["files_changed"]);
        Assert.Equal(commit.GetProperty("additions").GetInt32(), row["additions"]);
        Assert.Equal(0, row["deletions"]);
        Assert.Single(await QueryAsync(_db, "SELECT event_id FROM agent_events WHERE task_id = $1 AND event_type = 'commit_recorded'", first.Value));

        // The same content in the same session is the same commit: the second task completes, no second row.
        TaskId second = await dispatcher.DispatchAsync(Task(TaskType.CoderGenerate, payload, user, session));
        Assert.Equal(AgentTaskStatus.Completed, (await WaitForCompletedAsync(host, second)).Status);
        Assert.Single(await QueryAsync(_db, "SELECT commit_hash FROM commit_logs WHERE session_id = $1", session.Value));
        await host.StopAsync();
    }

    [Fact]
    public async Task Generate_WithoutASession_RecordsNoCommit()
    {
        using IHost host = await StartAsync(_db);
        (UserId user, _) = await CreateUserAndSessionAsync(_db);
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(TaskType.CoderGenerate, """{"prompt":"Reverse a list","language":"python"}""", user, null));
        AgentTask done = await WaitForCompletedAsync(host, id);
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        Assert.False(done.Result!.Value.GetProperty("commit").GetProperty("recorded").GetBoolean());
        Assert.Empty(await QueryAsync(_db, "SELECT commit_hash FROM commit_logs WHERE user_id = $1", user.Value));
        await host.StopAsync();
    }
}
