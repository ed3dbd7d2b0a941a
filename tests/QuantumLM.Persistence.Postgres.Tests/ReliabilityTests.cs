using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Persistence.Postgres.Tests;

/// <summary>Crash and scale behaviour of the queue with real worker processes and a real server restart.</summary>
public sealed class ReliabilityTests(ReliabilityTests.Fixture fx) : IClassFixture<ReliabilityTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public TestDatabase Db { get; } = new();

        public async Task InitializeAsync()
        {
            await Db.InitializeAsync();
            await Db.OwnerScalarAsync("""
                CREATE TABLE exec_log (task_id uuid NOT NULL, worker text NOT NULL);
                ALTER TABLE exec_log ENABLE ROW LEVEL SECURITY;
                ALTER TABLE exec_log FORCE ROW LEVEL SECURITY;
                CREATE POLICY exec_log_service ON exec_log FOR ALL TO quantumlm_service USING (true) WITH CHECK (true);
                GRANT SELECT, INSERT ON exec_log TO quantumlm_service;
                """);
        }

        public Task DisposeAsync() => Db.DisposeAsync();
    }

    private TestDatabase Db => fx.Db;

    private static JsonElement Json(string s) => JsonDocument.Parse(s).RootElement.Clone();

    private static Process StartWorker(string connectionString, string mode, string workerId, string type, int leaseMs)
    {
        string dll = typeof(WorkerProgram).Assembly.Location;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("worker");
        psi.ArgumentList.Add(mode);
        psi.Environment["QLM_WORKER_DB"] = connectionString;
        psi.Environment["QLM_WORKER_ID"] = workerId;
        psi.Environment["QLM_TASK_TYPE"] = type;
        psi.Environment["QLM_LEASE_MS"] = leaseMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Process.Start(psi)!;
    }

    [Fact]
    public async Task WorkerKilledMidTask_TaskIsReclaimedAfterTheLease_AndCompletedOnce()
    {
        var q = Db.NewQueue(o => o.TaskQueue.RescueInterval = TimeSpan.Zero);
        TaskId id = await q.EnqueueAsync(new NewAgentTask { TaskType = TaskType.Parse("kill:x"), Payload = Json("{}") });
        using Process child = StartWorker(Db.AppConnectionString, "hang", "doomed", "kill:x", leaseMs: 1500);
        try
        {
            string? line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal($"claimed {id}", line);
        }
        finally
        {
            child.Kill(); // SIGKILL on Unix: no cleanup, no release
            await child.WaitForExitAsync();
        }

        Assert.Equal(137, child.ExitCode);
        AgentTask stuck = (await q.GetAsync(id))!;
        Assert.Equal((AgentTaskStatus.Running, "doomed"), (stuck.Status, stuck.WorkerId));

        // Not claimable while the dead worker's lease runs; claimable once it expired.
        Assert.Empty(await q.ClaimAsync("survivor", 1, TimeSpan.FromMinutes(1), ["kill:x"]));
        ClaimedTask? again = null;
        var sw = Stopwatch.StartNew();
        while (again is null && sw.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
            again = (await q.ClaimAsync("survivor", 1, TimeSpan.FromMinutes(1), ["kill:x"])).SingleOrDefault();
        }

        Assert.NotNull(again);
        Assert.Equal((id, 2), (again.Task.Id, again.Task.Attempts));
        Assert.True(await q.CompleteAsync(id, again.LeaseToken, Json("{\"done\": 1}")));
        AgentTask done = (await q.GetAsync(id))!;
        Assert.Equal((AgentTaskStatus.Completed, "survivor"), (done.Status, done.WorkerId));
        JsonElement history = Assert.Single(await q.GetErrorHistoryAsync(id));
        Assert.Equal("doomed", history.GetProperty("worker").GetString());
        Assert.Empty(await q.ClaimAsync("survivor", 1, TimeSpan.FromMinutes(1), ["kill:x"]));
    }

    [Fact]
    public async Task FourWorkerProcesses_BurnDown40000Tasks_EachExecutedAndCompletedExactlyOnce()
    {
        const int total = 40_000;
        var q = Db.NewQueue();
        var all = new List<TaskId>(total);
        for (int b = 0; b < total / 5000; b++)
        {
            all.AddRange(await q.EnqueueManyAsync(Enumerable.Range(0, 5000)
                .Select(i => new NewAgentTask { TaskType = TaskType.Parse("burn:x"), Payload = Json("{}"), Priority = i % 10 }).ToList()));
        }

        var workers = Enumerable.Range(0, 4).Select(w => StartWorker(Db.AppConnectionString, "burn", $"p{w}", "burn:x", 60_000)).ToList();
        int executed = 0;
        foreach (Process p in workers)
        {
            Task<string> err = p.StandardError.ReadToEndAsync();
            string output = await p.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(3));
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, $"worker exit {p.ExitCode}: {await err}");
            executed += int.Parse(output.Trim().Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            p.Dispose();
        }

        Assert.Equal(total, executed);
        await using DbSession s = await Db.Sessions.OpenAsync(TestDatabase.Service);
        await using var cmd = s.Command("""
            SELECT (SELECT count(*) FROM exec_log), (SELECT count(DISTINCT task_id) FROM exec_log),
                   (SELECT count(*) FROM task_queue WHERE task_type = 'burn:x' AND status = 'completed'),
                   (SELECT count(*) FROM task_queue WHERE task_type = 'burn:x' AND attempts <> 1),
                   (SELECT count(DISTINCT worker) FROM exec_log)
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal(total, r.GetInt64(0));
        Assert.Equal(total, r.GetInt64(1));
        Assert.Equal(total, r.GetInt64(2));
        Assert.Equal(0, r.GetInt64(3));
        Assert.True(r.GetInt64(4) >= 2, "the work was shared between processes");
    }

    [Fact]
    public async Task ServerRestartDuringBurnDown_LosesNothing_AndCompletesNothingTwice()
    {
        const int total = 2000;
        await using ThrowawayCluster cluster = await ThrowawayCluster.StartAsync();
        await using var app = NpgsqlDataSource.Create(cluster.AppConnectionString);
        var sources = new PostgresDataSources(app, null, null);
        var sessions = new DbSessionFactory(sources);
        var q = new PostgresTaskQueue(sessions, sources, TestDatabase.Options(o => o.TaskQueue.RescueInterval = TimeSpan.FromMilliseconds(200)), TimeProvider.System);
        var svc = TestDatabase.Service;
        Guid uid = Guid.CreateVersion7();
        var sid = SessionId.New();
        await using (DbSession s = await sessions.OpenAsync(svc))
        {
            await using var c1 = s.Command("INSERT INTO users (user_id, email) VALUES ($1, 'b@example.test')");
            c1.Parameters.Add(new NpgsqlParameter { Value = uid });
            await c1.ExecuteNonQueryAsync();
            await using var c2 = s.Command("INSERT INTO arena_sessions (session_id, user_id, session_name) VALUES ($1, $2, 'burn')");
            c2.Parameters.Add(new NpgsqlParameter { Value = sid.Value });
            c2.Parameters.Add(new NpgsqlParameter { Value = uid });
            await c2.ExecuteNonQueryAsync();
            await s.CommitAsync();
        }

        await q.EnqueueManyAsync(Enumerable.Range(0, total).Select(_ => new NewAgentTask { TaskType = TaskType.Parse("restart:x"), Payload = Json("{}"), MaxAttempts = 50 }).ToList());
        int completed = 0;
        int errors = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        async Task WorkerAsync(string id)
        {
            while (Volatile.Read(ref completed) < total && !cts.IsCancellationRequested)
            {
                try
                {
                    IReadOnlyList<ClaimedTask> got = await q.ClaimAsync(id, 20, TimeSpan.FromSeconds(2), ["restart:x"]);
                    if (got.Count == 0)
                    {
                        await Task.Delay(50);
                        continue;
                    }

                    foreach (ClaimedTask c in got)
                    {
                        bool ok = await q.CompleteAsync(c.Task.Id, c.LeaseToken, Json("{}"), (w, ct) =>
                            w.AddEventAsync(new NewAgentEvent { SessionId = sid, AgentType = "quantum", EventType = "done", TaskId = c.Task.Id }, ct));
                        if (ok)
                        {
                            Interlocked.Increment(ref completed);
                        }
                    }
                }
                catch (Exception ex) when (ex is NpgsqlException or QuantumLmException or TimeoutException or IOException)
                {
                    Interlocked.Increment(ref errors);
                    await Task.Delay(100);
                }
            }
        }

        Task[] running = [WorkerAsync("a"), WorkerAsync("b")];
        while (Volatile.Read(ref completed) < total / 3)
        {
            await Task.Delay(20, cts.Token);
        }

        await cluster.RestartAsync();
        await Task.WhenAll(running).WaitAsync(cts.Token);

        Assert.True(errors > 0, "the restart was observed by the workers");
        await using DbSession check = await sessions.OpenAsync(svc);
        await using var cmd = check.Command("""
            SELECT (SELECT count(*) FROM task_queue WHERE status = 'completed'),
                   (SELECT count(*) FROM task_queue WHERE status <> 'completed'),
                   (SELECT count(*) FROM agent_events WHERE event_type = 'done'),
                   (SELECT count(DISTINCT task_id) FROM agent_events WHERE event_type = 'done')
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal((long)total, r.GetInt64(0));
        Assert.Equal(0L, r.GetInt64(1));
        Assert.Equal((long)total, r.GetInt64(2));
        Assert.Equal((long)total, r.GetInt64(3));
        Assert.Equal(total, completed);
    }
}
