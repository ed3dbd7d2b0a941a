using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Testing;
using static QuantumLM.Agents.Tests.PlatformHost;

namespace QuantumLM.Agents.Tests;

/// <summary>An agent's output rows and the task's completion commit together or not at all.</summary>
public sealed class CompletionTransactionTests : IClassFixture<PostgresDatabase>
{
    private readonly PostgresDatabase _db;

    public CompletionTransactionTests(PostgresDatabase db) => _db = db;

    /// <summary>Completes the job named in the payload, adds an event, and an organism whose parent does not exist when asked.</summary>
    private sealed class OutputsAgent : IAgent
    {
        public string AgentType => "outputs";

        public IReadOnlyCollection<string> TaskTypes => ["outputs:write"];

        public Task<JsonElement> ExecuteAsync(AgentTask task, AgentContext context, CancellationToken cancellationToken = default)
        {
            var job = new JobId(Guid.Parse(task.Payload.GetProperty("job_id").GetString()!));
            context.Outputs.CompleteQuantumJob(new QuantumJobCompletion { JobId = job, Backend = "local", Counts = JsonDocument.Parse("""{"0": 5}""").RootElement });
            context.Outputs.AddEvent(new NewAgentEvent { SessionId = task.SessionId!.Value, AgentType = AgentType, EventType = "outputs_written", TaskId = task.Id });
            if (task.Payload.GetProperty("break").GetBoolean())
            {
                context.Outputs.AddOrganism(new OrganismOutput
                {
                    OrganismId = OrganismId.New(),
                    UserId = task.CreatedBy!.Value,
                    Name = "orphan",
                    DnaCode = "ORGANISM O {\n}\n",
                    Generation = 1,
                    Parents = [new(OrganismId.New(), "evolve")],
                });
            }

            return System.Threading.Tasks.Task.FromResult(JsonDocument.Parse("{}").RootElement);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OutputRows_CommitWithTheCompletion_OrNotAtAll(bool breakIt)
    {
        using IHost host = await StartAsync(_db, s => s.AddQuantumLmAgents().AddAgent<OutputsAgent>(), o => o.WorkerId = "tx");
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        Guid jobId = Guid.NewGuid();
        await QueryAsync(_db, "INSERT INTO quantum_jobs (job_id, user_id, session_id, backend, circuit_qasm, shots) VALUES ($1, $2, $3, 'local', 'x', 5) RETURNING job_id", jobId, user.Value, session.Value);
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(
            Task("outputs:write", $$"""{"job_id":"{{jobId}}","break":{{(breakIt ? "true" : "false")}}}""", user, session, maxAttempts: 1));
        AgentTask done = await WaitForCompletedAsync(host, id);

        var job = Assert.Single(await QueryAsync(_db, "SELECT status, counts, written_by FROM quantum_jobs WHERE job_id = $1", jobId));
        var events = await QueryAsync(_db, "SELECT event_id FROM agent_events WHERE task_id = $1 AND event_type = 'outputs_written'", id.Value);
        if (breakIt)
        {
            // The organism's parent does not exist: the whole completion rolls back and the task fails with the database's reason.
            Assert.Equal(AgentTaskStatus.Failed, done.Status);
            Assert.StartsWith("not_found: a referenced row does not exist", done.Error, StringComparison.Ordinal);
            Assert.Equal("queued", job["status"]);
            Assert.Null(job["counts"]);
            Assert.Empty(events);
            Assert.Empty(await QueryAsync(_db, "SELECT organism_id FROM organisms WHERE user_id = $1", user.Value));
        }
        else
        {
            Assert.Equal(AgentTaskStatus.Completed, done.Status);
            Assert.Equal("completed", job["status"]);
            Assert.Equal("""{"0": 5}""", job["counts"]);
            Assert.Single(events);
        }

        await host.StopAsync();
    }
}
