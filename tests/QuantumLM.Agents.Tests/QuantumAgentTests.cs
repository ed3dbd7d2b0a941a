using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Simulation;
using QuantumLM.Testing;
using static QuantumLM.Agents.Tests.PlatformHost;

namespace QuantumLM.Agents.Tests;

/// <summary>The quantum agent end to end: dispatch → worker → quantum_jobs rows and agent events in the real database.</summary>
public sealed class QuantumAgentTests : IClassFixture<PostgresDatabase>
{
    private const string Ghz3 = """
        OPENQASM 2.0;
        include "qelib1.inc";
        qreg q[3];
        creg c[3];
        h q[0];
        cx q[0],q[1];
        cx q[1],q[2];
        measure q -> c;
        """;

    private readonly PostgresDatabase _db;

    public QuantumAgentTests(PostgresDatabase db) => _db = db;

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private static string ExecutePayload(string circuit, int shots = 1000, long seed = 7, Guid? jobId = null, string backend = "local", string? idealJson = null)
    {
        string job = jobId is Guid j ? $"\"job_id\":\"{j}\"," : string.Empty;
        string ideal = idealJson is null ? string.Empty : $",\"ideal\":{idealJson}";
        return $"{{{job}\"circuit\":{Json(circuit)},\"shots\":{shots},\"seed\":{seed},\"backend\":\"{backend}\"{ideal}}}";
    }

    private async Task InsertQueuedJobAsync(Guid jobId, UserId user, SessionId session, string circuit, int shots)
    {
        await QueryAsync(_db, "INSERT INTO quantum_jobs (job_id, user_id, session_id, backend, circuit_qasm, shots) VALUES ($1, $2, $3, 'local', $4, $5) RETURNING job_id",
            jobId, user.Value, session.Value, circuit, shots);
    }

    [Fact]
    public async Task Execute_Ghz_OnLocal_WritesTheJobRowCountsMetricsAndEvents()
    {
        using IHost host = await StartAsync(_db);
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(TaskType.QuantumExecute, ExecutePayload(Ghz3), user, session));
        AgentTask done = await WaitForCompletedAsync(host, id);
        Assert.Equal(AgentTaskStatus.Completed, done.Status);

        // Without a job_id the agent creates the row, keyed by the task id, for the task's user and session.
        var rows = await QueryAsync(_db, "SELECT * FROM quantum_jobs WHERE task_id = $1", id.Value);
        var row = Assert.Single(rows);
        Assert.Equal(id.Value, row["job_id"]);
        Assert.Equal(user.Value, row["user_id"]);
        Assert.Equal(session.Value, row["session_id"]);
        Assert.Equal("completed", row["status"]);
        Assert.Equal(7L, row["seed"]);
        Assert.NotNull(row["started_at"]);
        Assert.NotNull(row["completed_at"]);
        Assert.StartsWith("local-", (string)row["backend_job_id"]!, StringComparison.Ordinal);
        Assert.Equal("service:quantumlm:agents", row["written_by"]);

        using var counts = JsonDocument.Parse((string)row["counts"]!);
        var keys = counts.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Subset(new HashSet<string> { "000", "111" }, keys.ToHashSet());
        Assert.Equal(1000, counts.RootElement.EnumerateObject().Sum(p => p.Value.GetInt32()));

        using var metrics = JsonDocument.Parse((string)row["metrics"]!);
        Assert.Equal("std-1", metrics.RootElement.GetProperty("metrics_version").GetString());
        Assert.Equal("statevector", metrics.RootElement.GetProperty("ideal_source").GetString());
        Assert.InRange(metrics.RootElement.GetProperty("lambda").GetDouble(), 0.99, 1.0);
        Assert.Equal(1000, metrics.RootElement.GetProperty("shots").GetInt32());
        Assert.Equal(3, metrics.RootElement.GetProperty("width").GetInt32());

        Assert.Equal(id.Value.ToString(), done.Result!.Value.GetProperty("job_id").GetString());
        Assert.False(done.Result!.Value.GetProperty("reattached").GetBoolean());

        var events = await QueryAsync(_db, "SELECT event_type FROM agent_events WHERE task_id = $1 ORDER BY event_id", id.Value);
        Assert.Equal(["task_started", "quantum_job_submitted", "quantum_counts", "quantum_metrics", "task_completed"], events.Select(e => (string)e["event_type"]!));
        await host.StopAsync();
    }

    [Fact]
    public async Task Execute_WithTheCallersJobId_UpdatesThatRowAndCreatesNoOther()
    {
        using IHost host = await StartAsync(_db);
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        Guid jobId = Guid.NewGuid();
        string twoRegisters = """
            OPENQASM 3.0;
            include "stdgates.inc";
            qubit[2] q;
            bit[1] a;
            bit[1] b;
            x q[1];
            a[0] = measure q[0];
            b[0] = measure q[1];
            """;
        await InsertQueuedJobAsync(jobId, user, session, twoRegisters, 64);
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(TaskType.QuantumExecute, ExecutePayload(twoRegisters, 64, jobId: jobId), user, session));
        AgentTask done = await WaitForCompletedAsync(host, id);
        Assert.Equal(AgentTaskStatus.Completed, done.Status);

        var rows = await QueryAsync(_db, "SELECT * FROM quantum_jobs WHERE user_id = $1", user.Value);
        var row = Assert.Single(rows);
        Assert.Equal(jobId, row["job_id"]);
        Assert.Equal("completed", row["status"]);
        Assert.Equal(id.Value, row["task_id"]); // linked when the caller could not know the task id yet
        Assert.NotNull(row["started_at"]);
        // Qiskit keys: registers joined by a space, the last declared (b = 1) leftmost.
        Assert.Equal("""{"1 0": 64}""", (string)row["counts"]!);
        await host.StopAsync();
    }

    [Fact]
    public async Task Execute_InvalidQasm_IsDeadLetteredWithLineAndColumn_AndTheJobIsFailed()
    {
        using IHost host = await StartAsync(_db);
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        Guid jobId = Guid.NewGuid();
        string bad = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\nhh q[0];\n";
        await InsertQueuedJobAsync(jobId, user, session, bad, 10);
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(TaskType.QuantumExecute, ExecutePayload(bad, 10, jobId: jobId), user, session));
        AgentTask failed = await WaitForCompletedAsync(host, id);
        Assert.Equal(AgentTaskStatus.Failed, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.StartsWith("qasm: circuit: ", failed.Error, StringComparison.Ordinal);
        Assert.Contains("5:", failed.Error, StringComparison.Ordinal);
        Assert.Contains("hh", failed.Error, StringComparison.Ordinal);

        var row = Assert.Single(await QueryAsync(_db, "SELECT status, error_message, counts FROM quantum_jobs WHERE job_id = $1", jobId));
        Assert.Equal("failed", row["status"]);
        Assert.Equal(failed.Error, row["error_message"]);
        Assert.Null(row["counts"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task Execute_JobIdOfAnotherUser_IsRefused_AndThatJobIsUntouched()
    {
        using IHost host = await StartAsync(_db);
        (UserId owner, SessionId ownerSession) = await CreateUserAndSessionAsync(_db);
        (UserId other, SessionId otherSession) = await CreateUserAndSessionAsync(_db);
        Guid jobId = Guid.NewGuid();
        await InsertQueuedJobAsync(jobId, owner, ownerSession, Ghz3, 10);
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(TaskType.QuantumExecute, ExecutePayload(Ghz3, 10, jobId: jobId), other, otherSession));
        AgentTask failed = await WaitForCompletedAsync(host, id);
        Assert.Equal(AgentTaskStatus.Failed, failed.Status);
        Assert.Equal($"invalid_payload: job_id: quantum job {jobId} belongs to another user", failed.Error);
        var row = Assert.Single(await QueryAsync(_db, "SELECT status, error_message FROM quantum_jobs WHERE job_id = $1", jobId));
        Assert.Equal("queued", row["status"]);
        Assert.Null(row["error_message"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task Execute_InvalidPayload_NamesTheField_AndWritesNoJob()
    {
        using IHost host = await StartAsync(_db);
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(TaskType.QuantumExecute, $$"""{"circuit":{{Json(Ghz3)}},"shots":0}""", user, session));
        AgentTask failed = await WaitForCompletedAsync(host, id);
        Assert.Equal(AgentTaskStatus.Failed, failed.Status);
        Assert.Equal("invalid_payload: shots: is 0; it must be from 1 to 10000000", failed.Error);
        Assert.Empty(await QueryAsync(_db, "SELECT job_id FROM quantum_jobs WHERE user_id = $1", user.Value));
        await host.StopAsync();
    }

    [Fact]
    public async Task Execute_AgainstAGivenIdeal_UsesIt()
    {
        using IHost host = await StartAsync(_db);
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        // GHZ against the ideal "always 000": the Hellinger fidelity is (Σ sqrt(p·q))² = p̂(000).
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(TaskType.QuantumExecute, ExecutePayload(Ghz3, idealJson: """{"000": 1.0}"""), user, session));
        AgentTask done = await WaitForCompletedAsync(host, id);
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        JsonElement result = done.Result!.Value;
        double p000 = result.GetProperty("counts").GetProperty("000").GetInt32() / 1000.0;
        Assert.Equal("distribution", result.GetProperty("metrics").GetProperty("ideal_source").GetString());
        Assert.Equal(p000, result.GetProperty("metrics").GetProperty("lambda").GetDouble(), 9);
        await host.StopAsync();
    }

    [Fact]
    public async Task Metrics_OfSuppliedCounts()
    {
        using IHost host = await StartAsync(_db);
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(TaskType.QuantumMetrics,
            """{"counts":{"00":300,"11":100},"ideal":{"00":0.5,"11":0.5}}""", user, session));
        AgentTask done = await WaitForCompletedAsync(host, id);
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        JsonElement m = done.Result!.Value.GetProperty("metrics");
        // Λ = (sqrt(0.75·0.5) + sqrt(0.25·0.5))² = 0.5·(sqrt(0.75) + 0.5)² = 0.9330127…
        Assert.Equal(0.5 * Math.Pow(Math.Sqrt(0.75) + 0.5, 2), m.GetProperty("lambda").GetDouble(), 9);
        Assert.Equal(400, m.GetProperty("shots").GetInt32());
        var events = await QueryAsync(_db, "SELECT event_type FROM agent_events WHERE task_id = $1 AND event_type = 'quantum_metrics'", id.Value);
        Assert.Single(events);
        await host.StopAsync();
    }

    [Fact]
    public async Task Metrics_InvalidCounts_IsDeadLetteredWithTheKey()
    {
        using IHost host = await StartAsync(_db);
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(TaskType.QuantumMetrics, """{"counts":{"01":3,"12":1}}""", user, session));
        AgentTask failed = await WaitForCompletedAsync(host, id);
        Assert.Equal(AgentTaskStatus.Failed, failed.Status);
        Assert.StartsWith("invalid_key: counts: ", failed.Error, StringComparison.Ordinal);
        Assert.Contains("\"12\"", failed.Error, StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task Execute_TransientBackendFailure_IsRetriedThenSucceeds()
    {
        var flaky = new FlakyBackend();
        using IHost host = await StartAsync(_db, s => s.AddSingleton<IQuantumBackend>(sp => flaky.Wrap(sp.GetRequiredService<LocalSimulatorBackend>())));
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(TaskType.QuantumExecute, ExecutePayload(Ghz3, backend: "flaky"), user, session));
        AgentTask done = await WaitForCompletedAsync(host, id);
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        Assert.Equal(2, done.Attempts);
        Assert.Equal(2, flaky.Submissions);
        var row = Assert.Single(await QueryAsync(_db, "SELECT status, backend FROM quantum_jobs WHERE task_id = $1", id.Value));
        Assert.Equal("completed", row["status"]);
        Assert.Equal("flaky", row["backend"]);
        var retry = await QueryAsync(_db, "SELECT message FROM agent_events WHERE task_id = $1 AND event_type = 'task_retrying'", id.Value);
        Assert.Contains("backend_offline", (string)Assert.Single(retry)["message"]!, StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task Execute_UnknownBackend_IsPermanent()
    {
        using IHost host = await StartAsync(_db);
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(TaskType.QuantumExecute, ExecutePayload(Ghz3, backend: "nowhere"), user, session));
        AgentTask failed = await WaitForCompletedAsync(host, id);
        Assert.Equal(AgentTaskStatus.Failed, failed.Status);
        Assert.StartsWith("backend_not_found: no backend named \"nowhere\"", failed.Error, StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task Execute_RunningJobWithABackendJobId_IsReattachedNotResubmitted()
    {
        using IHost host = await StartAsync(_db);
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        // A job submitted earlier (for example by a worker that then stopped): the row records its backend job id.
        var local = host.Services.GetRequiredService<LocalSimulatorBackend>();
        QuantumJobOperation earlier = await local.SubmitAsync(QuantumLM.Quantum.OpenQasm.QasmCircuitFactory.Create(Ghz3), new QuantumJobOptions { Shots = 333, Seed = 99 });
        QuantumJobResult expected = await earlier.WaitForCompletionAsync();
        Guid jobId = Guid.NewGuid();
        await InsertQueuedJobAsync(jobId, user, session, Ghz3, 333);
        await QueryAsync(_db, "UPDATE quantum_jobs SET status = 'running', started_at = now(), backend_job_id = $2 WHERE job_id = $1 RETURNING job_id", jobId, earlier.Id);

        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(TaskType.QuantumExecute, ExecutePayload(Ghz3, 333, seed: 1, jobId: jobId), user, session));
        AgentTask done = await WaitForCompletedAsync(host, id);
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        Assert.True(done.Result!.Value.GetProperty("reattached").GetBoolean());
        Assert.Equal(earlier.Id, done.Result!.Value.GetProperty("backend_job_id").GetString());
        // The counts are those of the earlier job (seed 99), not of a new run with the payload's seed 1.
        foreach ((string key, long count) in expected.Counts.Entries)
        {
            Assert.Equal(count, done.Result!.Value.GetProperty("counts").GetProperty(key).GetInt64());
        }

        var events = await QueryAsync(_db, "SELECT event_type FROM agent_events WHERE task_id = $1 AND event_type LIKE 'quantum_job_%'", id.Value);
        Assert.Equal("quantum_job_reattached", Assert.Single(events)["event_type"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task Shutdown_DuringARemoteJob_ReleasesTheTask_AndTheNextWorkerReattaches()
    {
        var remote = new FakeRemoteService();
        Action<IServiceCollection> services = s => s.AddSingleton<IQuantumBackend>(new FakeRemoteBackend(remote));
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        IHost first = await StartAsync(_db, services, o => { o.WorkerId = "first"; o.ShutdownTimeout = TimeSpan.FromMilliseconds(300); });
        TaskId id = await first.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(TaskType.QuantumExecute, ExecutePayload(Ghz3, 100, backend: "fake_remote"), user, session));
        await remote.Submitted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The running state and the backend job id are recorded before the worker waits on the job.
        var running = await WaitForRowAsync(id, "running");
        Assert.Equal(remote.JobId, running["backend_job_id"]);
        await first.StopAsync();
        first.Dispose();
        // Released on shutdown: pending again, the attempt not counted, the job still running on the remote service.
        var task = Assert.Single(await QueryAsync(_db, "SELECT status, attempts FROM task_queue WHERE task_id = $1", id.Value));
        Assert.Equal("pending", task["status"]);
        Assert.Equal("running", (await WaitForRowAsync(id, "running"))["status"]);

        remote.Finish();
        using IHost second = await StartAsync(_db, services, o => o.WorkerId = "second", migrate: false);
        AgentTask done = await WaitForCompletedAsync(second, id);
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        Assert.Equal(1, remote.Submissions);
        Assert.True(done.Result!.Value.GetProperty("reattached").GetBoolean());
        var row = await WaitForRowAsync(id, "completed");
        Assert.Equal("""{"000": 60, "111": 40}""", (string)row["counts"]!);
        await second.StopAsync();
    }

    [Fact]
    public async Task WorkerDiesAfterTheBackendAcceptedTheJob_TheRetryAdoptsItByTag_NotResubmitting()
    {
        var remote = new FakeRemoteService();
        Action<IServiceCollection> services = s => s.AddSingleton<IQuantumBackend>(new FakeRemoteBackend(remote, dieAfterFirstSubmit: true));
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        using IHost host = await StartAsync(_db, services);
        remote.Finish();
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(TaskType.QuantumExecute, ExecutePayload(Ghz3, 100, backend: "fake_remote"), user, session));
        AgentTask done = await WaitForCompletedAsync(host, id);
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        Assert.Equal(2, done.Attempts);
        Assert.Equal(1, remote.Submissions);
        Assert.True(done.Result!.Value.GetProperty("reattached").GetBoolean());
        Assert.Contains(remote.Tags, static t => t.StartsWith("quantumlm-job:", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task TwoWorkers_ShareOneQueue_EveryJobCompletedOnce()
    {
        using IHost a = await StartAsync(_db, worker: o => o.WorkerId = "a");
        using IHost b = await StartAsync(_db, worker: o => o.WorkerId = "b", migrate: false);
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        var ids = new List<TaskId>();
        for (int i = 0; i < 24; i++)
        {
            AgentDispatcher dispatcher = (i % 2 == 0 ? a : b).Services.GetRequiredService<AgentDispatcher>();
            ids.Add(await dispatcher.DispatchAsync(Task(TaskType.QuantumExecute, ExecutePayload(Ghz3, 200, seed: i), user, session)));
        }

        foreach (TaskId id in ids)
        {
            Assert.Equal(AgentTaskStatus.Completed, (await WaitForCompletedAsync(a, id)).Status);
        }

        var jobs = await QueryAsync(_db, "SELECT task_id, status FROM quantum_jobs WHERE user_id = $1", user.Value);
        Assert.Equal(ids.Select(i => i.Value).Order(), jobs.Select(j => (Guid)j["task_id"]!).Order());
        Assert.All(jobs, j => Assert.Equal("completed", j["status"]));
        var counted = await QueryAsync(_db, "SELECT task_id, count(*) AS n FROM agent_events WHERE session_id = $1 AND event_type = 'quantum_counts' GROUP BY task_id", session.Value);
        Assert.Equal(24, counted.Count);
        Assert.All(counted, c => Assert.Equal(1L, c["n"]));
        await a.StopAsync();
        await b.StopAsync();
    }

    private async Task<Dictionary<string, object?>> WaitForRowAsync(TaskId id, string status)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var rows = await QueryAsync(_db, "SELECT * FROM quantum_jobs WHERE task_id = $1", id.Value);
            if (rows.Count == 1 && (string)rows[0]["status"]! == status)
            {
                return rows[0];
            }

            await System.Threading.Tasks.Task.Delay(50, cts.Token);
        }
    }
}
