using System.Collections.Concurrent;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Npgsql;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Abstractions.Security;

namespace QuantumLM.Persistence.Postgres.Tests;

public sealed class TaskQueueTests(TaskQueueTests.Fixture fx) : IClassFixture<TaskQueueTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public TestDatabase Db { get; } = new();

        public Task InitializeAsync() => Db.InitializeAsync();

        public Task DisposeAsync() => Db.DisposeAsync();
    }

    private TestDatabase Db => fx.Db;

    private static JsonElement Json(string s) => JsonDocument.Parse(s).RootElement.Clone();

    /// <summary>Each test uses its own task type so tests sharing the database do not claim each other's tasks.</summary>
    private static NewAgentTask Task(string type, int priority = 100, DateTimeOffset? at = null, string? key = null, int maxAttempts = 5) => new()
    {
        TaskType = TaskType.Parse(type),
        Payload = Json("{\"n\": 1}"),
        Priority = priority,
        ScheduledAt = at,
        IdempotencyKey = key,
        MaxAttempts = maxAttempts,
    };

    private async Task<DateTimeOffset> DbNowAsync() => new((DateTime)(await Db.ScalarAsAsync(TestDatabase.Service, "SELECT clock_timestamp()"))!);

    [Fact]
    public async Task Claim_FollowsPriorityThenRunTime_SkipsFutureTasks_AndFiltersTypes()
    {
        var q = Db.NewQueue();
        DateTimeOffset now = await DbNowAsync();
        TaskId late = await q.EnqueueAsync(Task("order:a", priority: 5, at: now.AddSeconds(-1)));
        TaskId early = await q.EnqueueAsync(Task("order:a", priority: 5, at: now.AddSeconds(-10)));
        TaskId urgent = await q.EnqueueAsync(Task("order:a", priority: 1));
        TaskId future = await q.EnqueueAsync(Task("order:a", priority: 0, at: now.AddHours(1)));
        TaskId other = await q.EnqueueAsync(Task("order:b", priority: 0));

        IReadOnlyList<ClaimedTask> claimed = await q.ClaimAsync("w1", 10, TimeSpan.FromMinutes(1), ["order:a"]);
        Assert.Equal([urgent, early, late], claimed.Select(c => c.Task.Id));
        Assert.All(claimed, c => Assert.Equal((AgentTaskStatus.Running, 1, "w1"), (c.Task.Status, c.Task.Attempts, c.Task.WorkerId)));
        Assert.Equal(3, claimed.Select(c => c.LeaseToken).Distinct().Count());
        Assert.Equal(AgentTaskStatus.Pending, (await q.GetAsync(future))!.Status);
        Assert.Equal(AgentTaskStatus.Pending, (await q.GetAsync(other))!.Status);

        IReadOnlyList<ClaimedTask> two = await q.ClaimAsync("w2", 1, TimeSpan.FromMinutes(1), ["order:b"]);
        Assert.Equal(other, Assert.Single(two).Task.Id);
    }

    [Fact]
    public async Task ClaimQuery_UsesThePartialClaimIndex_BeforeAndAfterAnalyze()
    {
        var q = Db.NewQueue();
        var batch = Enumerable.Range(0, 3000).Select(i => Task("plan:x", priority: i % 7)).ToList();
        await q.EnqueueManyAsync(batch);
        await Db.ExecAsAsync(TestDatabase.Service, """
            INSERT INTO task_queue (task_id, task_type, payload, status, completed_at, result)
            SELECT gen_random_uuid(), 'plan:done', '{}', 'completed', clock_timestamp(), '{}' FROM generate_series(1, 20000)
            """);

        async Task<string> PlanAsync()
        {
            await using DbSession s = await Db.Sessions.OpenAsync(DbIdentity.ForService("worker:explain"));
            await using var cmd = s.Command("EXPLAIN " + PostgresTaskQueue.ClaimSql);
            cmd.Parameters.Add(new NpgsqlParameter { Value = "w" });
            cmd.Parameters.Add(new NpgsqlParameter { Value = 100 });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, Value = DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter { Value = TimeSpan.FromMinutes(1) });
            var lines = new List<string>();
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                while (await r.ReadAsync())
                {
                    lines.Add(r.GetString(0));
                }
            }

            await s.RollbackAsync();
            return string.Join('\n', lines);
        }

        string before = await PlanAsync();
        Assert.Contains("task_queue_claim_idx", before, StringComparison.Ordinal);
        await Db.OwnerScalarAsync("ANALYZE task_queue");
        string after = await PlanAsync();
        Assert.Contains("Index Scan using task_queue_claim_idx", after, StringComparison.Ordinal);
        Assert.DoesNotContain("Sort Key", after, StringComparison.Ordinal); // the index delivers priority, run_at order
        Console.WriteLine(after);
        Assert.DoesNotContain("Seq Scan on task_queue", after, StringComparison.Ordinal);

        // Drain, so the rows do not disturb other tests' claims.
        while ((await q.ClaimAsync("drain", 1000, TimeSpan.FromMinutes(1), ["plan:x"])).Count > 0)
        {
        }
    }

    [Fact]
    public async Task ConcurrentClaimers_ClaimEveryTaskExactlyOnce()
    {
        var q = Db.NewQueue();
        IReadOnlyList<TaskId> ids = await q.EnqueueManyAsync(Enumerable.Range(0, 600).Select(_ => Task("race:x")).ToList());
        var seen = new ConcurrentBag<TaskId>();
        await System.Threading.Tasks.Task.WhenAll(Enumerable.Range(0, 8).Select(w => System.Threading.Tasks.Task.Run(async () =>
        {
            while (true)
            {
                var got = await q.ClaimAsync($"w{w}", 7, TimeSpan.FromMinutes(1), ["race:x"]);
                if (got.Count == 0)
                {
                    return;
                }

                foreach (var c in got)
                {
                    seen.Add(c.Task.Id);
                }
            }
        })));
        Assert.Equal(ids.Count, seen.Count);
        Assert.Equal(ids.OrderBy(i => i.Value), seen.Distinct().OrderBy(i => i.Value));
    }

    [Fact]
    public async Task ExpiredLease_IsRescued_AndTheOldTokenIsFencedOff()
    {
        var q = Db.NewQueue(o => o.TaskQueue.RescueInterval = TimeSpan.Zero);
        TaskId id = await q.EnqueueAsync(Task("lease:x"));
        ClaimedTask first = Assert.Single(await q.ClaimAsync("crashed", 1, TimeSpan.FromMilliseconds(150), ["lease:x"]));
        await System.Threading.Tasks.Task.Delay(400);
        Assert.True(await q.RescueExpiredLeasesAsync() >= 1);
        ClaimedTask second = Assert.Single(await q.ClaimAsync("healthy", 1, TimeSpan.FromMinutes(1), ["lease:x"]));
        Assert.Equal(id, second.Task.Id);
        Assert.Equal(2, second.Task.Attempts);
        Assert.NotEqual(first.LeaseToken, second.LeaseToken);

        Assert.False(await q.HeartbeatAsync(id, first.LeaseToken, TimeSpan.FromMinutes(1)));
        Assert.False(await q.CompleteAsync(id, first.LeaseToken, Json("{\"by\": \"crashed\"}")));
        Assert.Equal(TaskFailureOutcome.LeaseLost, await q.FailAsync(id, first.LeaseToken, new TaskFailure("late", true)));
        Assert.False(await q.ReleaseAsync(id, first.LeaseToken));
        Assert.True(await q.CompleteAsync(id, second.LeaseToken, Json("{\"by\": \"healthy\"}")));
        AgentTask done = (await q.GetAsync(id))!;
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        Assert.Equal("healthy", done.Result!.Value.GetProperty("by").GetString());
        JsonElement history = Assert.Single(await q.GetErrorHistoryAsync(id));
        Assert.Equal("lease expired", history.GetProperty("error").GetString());
        Assert.Equal("crashed", history.GetProperty("worker").GetString());
    }

    [Fact]
    public async Task Heartbeat_KeepsTheLease()
    {
        var q = Db.NewQueue();
        TaskId id = await q.EnqueueAsync(Task("beat:x"));
        ClaimedTask c = Assert.Single(await q.ClaimAsync("w", 1, TimeSpan.FromMilliseconds(300), ["beat:x"]));
        Assert.True(await q.HeartbeatAsync(id, c.LeaseToken, TimeSpan.FromMinutes(5)));
        await System.Threading.Tasks.Task.Delay(450);
        await q.RescueExpiredLeasesAsync();
        AgentTask t = (await q.GetAsync(id))!;
        Assert.Equal(AgentTaskStatus.Running, t.Status);
        Assert.True(t.LeaseExpiresAt > await DbNowAsync() + TimeSpan.FromMinutes(4));
    }

    [Fact]
    public async Task TransientFailures_BackOffExponentiallyWithSeededJitter_ThenDeadLetterWithHistory()
    {
        const ulong seed = 42;
        var q = Db.NewQueue(o =>
        {
            o.TaskQueue.BackoffBase = TimeSpan.FromSeconds(10);
            o.TaskQueue.BackoffCap = TimeSpan.FromSeconds(25);
            o.TaskQueue.JitterRatio = 0.5;
            o.TaskQueue.JitterSeed = seed;
        });
        var reference = new SeededRandom(seed);
        TaskId id = await q.EnqueueAsync(Task("retry:x", maxAttempts: 3));
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            ClaimedTask c = Assert.Single(await q.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), ["retry:x"]));
            Assert.Equal(attempt, c.Task.Attempts);
            DateTimeOffset before = await DbNowAsync();
            TaskFailureOutcome outcome = await q.FailAsync(id, c.LeaseToken, new TaskFailure($"boom {attempt}", IsTransient: true));
            if (attempt == 3)
            {
                Assert.Equal(TaskFailureOutcome.DeadLettered, outcome);
                break;
            }

            Assert.Equal(TaskFailureOutcome.Retried, outcome);
            // Reference: min(cap, base * 2^(attempt-1)) * (1 - ratio * u), u from the same seeded generator.
            double expectedMs = Math.Min(25_000, 10_000 * Math.Pow(2, attempt - 1)) * (1 - (0.5 * reference.NextDouble()));
            AgentTask t = (await q.GetAsync(id))!;
            Assert.Equal(AgentTaskStatus.Pending, t.Status);
            double actualMs = (t.ScheduledAt - before).TotalMilliseconds;
            Assert.InRange(actualMs, expectedMs - 50, expectedMs + 500);
            Assert.Empty(await q.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), ["retry:x"]));
            await Db.ExecAsAsync(TestDatabase.Service, "UPDATE task_queue SET run_at = clock_timestamp() WHERE task_id = $1", id.Value);
        }

        AgentTask dead = (await q.GetAsync(id))!;
        Assert.Equal(AgentTaskStatus.Failed, dead.Status);
        Assert.Equal("boom 3", dead.Error);
        Assert.NotNull(dead.CompletedAt);
        IReadOnlyList<JsonElement> history = await q.GetErrorHistoryAsync(id);
        Assert.Equal(["boom 1", "boom 2", "boom 3"], history.Select(h => h.GetProperty("error").GetString()));
        Assert.Equal([1, 2, 3], history.Select(h => h.GetProperty("attempt").GetInt32()));
    }

    [Fact]
    public async Task PermanentFailure_DeadLettersAtOnce_AndRetryAfterOverridesTheBackoff()
    {
        var q = Db.NewQueue();
        TaskId perm = await q.EnqueueAsync(Task("perm:x"));
        ClaimedTask c = Assert.Single(await q.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), ["perm:x"]));
        Assert.Equal(TaskFailureOutcome.DeadLettered, await q.FailAsync(perm, c.LeaseToken, new TaskFailure("invalid payload", IsTransient: false)));
        Assert.Equal(AgentTaskStatus.Failed, (await q.GetAsync(perm))!.Status);

        TaskId later = await q.EnqueueAsync(Task("perm:y"));
        ClaimedTask d = Assert.Single(await q.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), ["perm:y"]));
        DateTimeOffset before = await DbNowAsync();
        Assert.Equal(TaskFailureOutcome.Retried, await q.FailAsync(later, d.LeaseToken, new TaskFailure("rate limited", true, TimeSpan.FromMinutes(7))));
        double minutes = ((await q.GetAsync(later))!.ScheduledAt - before).TotalMinutes;
        Assert.InRange(minutes, 6.99, 7.02);
    }

    [Fact]
    public async Task LeaseExpiryOnTheLastAttempt_DeadLetters()
    {
        var q = Db.NewQueue();
        TaskId id = await q.EnqueueAsync(Task("last:x", maxAttempts: 1));
        Assert.Single(await q.ClaimAsync("crash", 1, TimeSpan.FromMilliseconds(100), ["last:x"]));
        await System.Threading.Tasks.Task.Delay(300);
        await q.RescueExpiredLeasesAsync();
        AgentTask t = (await q.GetAsync(id))!;
        Assert.Equal(AgentTaskStatus.Failed, t.Status);
        Assert.StartsWith("lease expired", t.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdempotencyKey_ReturnsTheFirstTask_AlsoInBatches()
    {
        var q = Db.NewQueue();
        TaskId a = await q.EnqueueAsync(Task("idem:x", key: "order-17"));
        TaskId b = await q.EnqueueAsync(Task("idem:x", key: "order-17"));
        Assert.Equal(a, b);
        IReadOnlyList<TaskId> many = await q.EnqueueManyAsync([Task("idem:x", key: "order-17"), Task("idem:x", key: "order-18"), Task("idem:x")]);
        Assert.Equal(3, many.Count);
        Assert.Equal(a, many[0]);
        Assert.NotEqual(a, many[1]);
        Assert.Equal(1L, await Db.ScalarAsAsync(TestDatabase.Service, "SELECT count(*) FROM task_queue WHERE idempotency_key = 'order-17'"));
    }

    [Fact]
    public async Task Cancel_PendingAndRunning_FencesTheWorker_AndRespectsOwnership()
    {
        var q = Db.NewQueue();
        DbIdentity owner = await Db.CreateUserAsync("canc");
        DbIdentity stranger = await Db.CreateUserAsync("stranger");
        DbIdentity operatorUser = await Db.CreateUserAsync("op", Role.Operator);
        TaskId mine = await q.EnqueueAsync(owner, Task("cancel:x") with { CreatedBy = owner.UserId });
        Assert.False(await q.CancelAsync(stranger, mine));
        Assert.Null(await q.GetAsync(stranger, mine));
        Assert.True(await q.CancelAsync(owner, mine));
        Assert.False(await q.CancelAsync(owner, mine));
        Assert.Equal(AgentTaskStatus.Cancelled, (await q.GetAsync(owner, mine))!.Status);

        TaskId running = await q.EnqueueAsync(owner, Task("cancel:y") with { CreatedBy = owner.UserId });
        ClaimedTask c = Assert.Single(await q.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), ["cancel:y"]));
        Assert.True(await q.CancelAsync(operatorUser, running));
        Assert.False(await q.HeartbeatAsync(running, c.LeaseToken, TimeSpan.FromMinutes(1)));
        Assert.False(await q.CompleteAsync(running, c.LeaseToken, Json("{}")));
        Assert.Equal(AgentTaskStatus.Cancelled, (await q.GetAsync(running))!.Status);
    }

    [Fact]
    public async Task UserEnqueue_OnlyForThemselves()
    {
        var q = Db.NewQueue();
        DbIdentity owner = await Db.CreateUserAsync("enq");
        DbIdentity other = await Db.CreateUserAsync("enq-other");
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => q.EnqueueAsync(other, Task("enq:x") with { CreatedBy = owner.UserId }));
        Assert.Equal(QuantumLmErrorCodes.Forbidden, ex.ErrorCode);
        TaskId ok = await q.EnqueueAsync(owner, Task("enq:x") with { CreatedBy = owner.UserId });
        Assert.Equal(owner.UserId, (await q.GetAsync(owner, ok))!.CreatedBy);
        Assert.Equal($"user:{owner.UserId!.Value}", await Db.ScalarAsAsync(TestDatabase.Service, "SELECT created_by FROM task_queue WHERE task_id = $1", ok.Value));
    }

    [Theory]
    [InlineData(-1, 5, "priority -1")]
    [InlineData(10_001, 5, "priority 10001")]
    [InlineData(5, 0, "max attempts 0")]
    public async Task Enqueue_InvalidInput_IsRefusedWithAPreciseMessage_AndWritesNothing(int priority, int maxAttempts, string expected)
    {
        var q = Db.NewQueue();
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => q.EnqueueManyAsync([Task("bad:x"), Task("bad:x", priority: priority, maxAttempts: maxAttempts)]));
        Assert.Equal(QuantumLmErrorCodes.InvalidPayload, ex.ErrorCode);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await Db.ScalarAsAsync(TestDatabase.Service, "SELECT count(*) FROM task_queue WHERE task_type = 'bad:x'"));
    }

    [Fact]
    public async Task Release_ReturnsTheTaskUntouched()
    {
        var q = Db.NewQueue();
        TaskId id = await q.EnqueueAsync(Task("rel:x"));
        ClaimedTask c = Assert.Single(await q.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), ["rel:x"]));
        Assert.True(await q.ReleaseAsync(id, c.LeaseToken));
        AgentTask t = (await q.GetAsync(id))!;
        Assert.Equal((AgentTaskStatus.Pending, 0, (string?)null), (t.Status, t.Attempts, t.WorkerId));
        Assert.Single(await q.ClaimAsync("w2", 1, TimeSpan.FromMinutes(1), ["rel:x"]));
    }

    [Fact]
    public async Task Purge_DeletesFinishedRowsPastTheirStateRetention_Only()
    {
        var q = Db.NewQueue(o =>
        {
            o.TaskQueue.CompletedRetention = TimeSpan.FromHours(1);
            o.TaskQueue.FailedRetention = TimeSpan.FromDays(7);
            o.TaskQueue.CancelledRetention = TimeSpan.FromHours(1);
            o.TaskQueue.PurgeBatchSize = 2;
        });
        var ids = await q.EnqueueManyAsync(Enumerable.Range(0, 6).Select(_ => Task("purge:x")).ToList());
        var claimed = await q.ClaimAsync("w", 6, TimeSpan.FromMinutes(1), ["purge:x"]);
        foreach (var c in claimed.Take(4))
        {
            Assert.True(await q.CompleteAsync(c.Task.Id, c.LeaseToken, Json("{}")));
        }

        Assert.Equal(TaskFailureOutcome.DeadLettered, await q.FailAsync(claimed[4].Task.Id, claimed[4].LeaseToken, new TaskFailure("x", false)));
        Guid[] old = [claimed[0].Task.Id.Value, claimed[1].Task.Id.Value, claimed[2].Task.Id.Value, claimed[4].Task.Id.Value];
        await Db.ExecAsAsync(TestDatabase.Service, "UPDATE task_queue SET completed_at = clock_timestamp() - interval '2 hours' WHERE task_id = ANY ($1)", old);
        int purged = await q.PurgeFinishedAsync();
        Assert.True(purged >= 3);
        var left = await Db.ScalarAsAsync(TestDatabase.Service, "SELECT array_agg(task_id ORDER BY task_id) FROM task_queue WHERE task_id = ANY ($1)", ids.Select(i => i.Value).ToArray());
        Guid[] expectedLeft = new[] { claimed[3].Task.Id.Value, claimed[4].Task.Id.Value, claimed[5].Task.Id.Value }.Order().ToArray();
        Assert.Equal(expectedLeft, ((Guid[])left!).Order().ToArray());
    }

    [Fact]
    public async Task CompleteWithResults_WritesTaskJobEventAndCommitAtomically()
    {
        var q = Db.NewQueue();
        DbIdentity owner = await Db.CreateUserAsync("atomic");
        SessionId sid = await Db.CreateSessionAsync(owner);
        TaskId id = await q.EnqueueAsync(Task("atom:x") with { CreatedBy = owner.UserId, SessionId = sid });
        ClaimedTask c = Assert.Single(await q.ClaimAsync("w", 1, TimeSpan.FromMinutes(1), ["atom:x"]));

        // A failing writer rolls everything back: the task stays running, nothing is stored.
        await Assert.ThrowsAsync<InvalidOperationException>(() => q.CompleteAsync(id, c.LeaseToken, Json("{}"), async (w, ct) =>
        {
            await w.AddEventAsync(new NewAgentEvent { SessionId = sid, AgentType = "quantum", EventType = "job_completed" }, ct);
            throw new InvalidOperationException("writer failed");
        }));
        Assert.Equal(AgentTaskStatus.Running, (await q.GetAsync(id))!.Status);
        Assert.Equal(0L, await Db.ScalarAsAsync(TestDatabase.Service, "SELECT count(*) FROM agent_events WHERE session_id = $1", sid.Value));

        QuantumJobRecord? job = null;
        CommitRecord? commit = null;
        Assert.True(await q.CompleteAsync(id, c.LeaseToken, Json("{\"ok\": true}"), async (w, ct) =>
        {
            job = await w.AddQuantumJobAsync(new NewQuantumJob
            {
                UserId = owner.UserId!.Value, SessionId = sid, TaskId = id, Backend = "local", CircuitQasm = "OPENQASM 2.0;", Shots = 100,
                Status = "completed", Counts = Json("{\"00\": 60, \"11\": 40}"), Metrics = Json("{\"phi\": null}"),
            }, ct);
            await w.AddEventAsync(new NewAgentEvent { SessionId = sid, AgentType = "quantum", EventType = "job_completed", TaskId = id }, ct);
            commit = await w.AddCommitAsync(new NewCommit { SessionId = sid, UserId = owner.UserId!.Value, Message = "m", Diff = "--- a/x\n+++ b/x\n+new\n-old\n+more\n" }, ct);
        }));
        Assert.Equal(AgentTaskStatus.Completed, (await q.GetAsync(id))!.Status);
        Assert.Equal("service:worker:w", job!.WrittenBy); // the worker that held the lease
        Assert.Equal((1, 2, 1), (commit!.FilesChanged, commit.Additions, commit.Deletions));
        Assert.Equal(1L, await Db.ScalarAsAsync(TestDatabase.Service, "SELECT count(*) FROM agent_events WHERE session_id = $1", sid.Value));
        Assert.Equal(1, await Db.ScalarAsAsync(owner, "SELECT total_jobs FROM arena_sessions WHERE session_id = $1", sid.Value));
    }

    [Fact]
    public async Task CompleteMany_SkipsLostLeases()
    {
        var q = Db.NewQueue();
        await q.EnqueueManyAsync(Enumerable.Range(0, 5).Select(_ => Task("many:x")).ToList());
        var c = await q.ClaimAsync("w", 5, TimeSpan.FromMinutes(1), ["many:x"]);
        var list = c.Select(x => new TaskCompletion(x.Task.Id, x.LeaseToken, Json("{}"))).ToList();
        list[0] = list[0] with { LeaseToken = Guid.NewGuid() };
        Assert.Equal(4, await q.CompleteManyAsync(list));
        Assert.Equal(AgentTaskStatus.Running, (await q.GetAsync(c[0].Task.Id))!.Status);
    }

    [Fact]
    public async Task Signal_WakesAWaitingWorker_OnEnqueue_AndTimesOutWhenIdle()
    {
        var signal = new TaskQueueSignal(Db.Sources);
        await using var _ = signal;
        signal.EnsureStarted();
        await signal.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        // Consume the start-up pulse and any late, debounced notification from earlier tests on this database (a hint
        // may legitimately arrive at any time); then an idle wait must time out. A signal that never times out fails.
        bool idleTimedOut = false;
        for (int i = 0; i < 20 && !idleTimedOut; i++)
        {
            idleTimedOut = !await signal.WaitForWorkAsync(TimeSpan.FromMilliseconds(200));
        }

        Assert.True(idleTimedOut, "an idle signal never timed out");
        var q = Db.NewQueue(o => o.TaskQueue.NotifyDebounce = TimeSpan.Zero);
        Task<bool> waiting = signal.WaitForWorkAsync(TimeSpan.FromSeconds(20));
        await q.EnqueueAsync(Task("signal:x"));
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Property(MaxTest = 500)]
    public bool Backoff_IsCappedJitteredAndMonotoneInTheAttempt(PositiveInt attemptRaw, NormalFloat uRaw, PositiveInt baseMs, PositiveInt capMs)
    {
        int attempt = (attemptRaw.Get % 40) + 1;
        double u = Math.Abs(uRaw.Get) % 1.0;
        var b = TimeSpan.FromMilliseconds(baseMs.Get % 100_000);
        var cap = TimeSpan.FromMilliseconds(Math.Max(b.TotalMilliseconds, capMs.Get % 10_000_000));
        const double ratio = 0.25;
        TimeSpan d = Backoff.Delay(attempt, b, cap, ratio, u);
        TimeSpan next = Backoff.Delay(attempt + 1, b, cap, ratio, u);
        double reference = Math.Min(cap.TotalMilliseconds, b.TotalMilliseconds * Math.Pow(2, attempt - 1)) * (1 - (ratio * u));
        return d <= cap && d.TotalMilliseconds >= 0 && next >= d && Math.Abs(d.TotalMilliseconds - reference) <= 0.001 + (1e-9 * reference);
    }
}
