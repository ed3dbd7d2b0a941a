using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Persistence.Postgres;
using QuantumLM.Testing;

namespace QuantumLM.Agents.Tests;

/// <summary>The worker against the real PostgreSQL task queue and event stream.</summary>
public sealed class AgentWorkerTests : IClassFixture<PostgresDatabase>
{
    private readonly PostgresDatabase _db;

    public AgentWorkerTests(PostgresDatabase db) => _db = db;

    /// <summary>A test agent whose behaviour each test scripts per attempt.</summary>
    private sealed class ScriptedAgent : IAgent
    {
        public static readonly ConcurrentDictionary<string, Func<AgentTask, CancellationToken, Task<JsonElement>>> Scripts = new();
        public static readonly ConcurrentDictionary<TaskId, int> Executions = new();

        public string AgentType => "test";

        public IReadOnlyCollection<string> TaskTypes => ["test:run"];

        public Task<JsonElement> ExecuteAsync(AgentTask task, AgentContext context, CancellationToken cancellationToken = default)
        {
            Executions.AddOrUpdate(task.Id, 1, static (_, n) => n + 1);
            string script = task.Payload.GetProperty("script").GetString()!;
            return Scripts[script](task, cancellationToken);
        }
    }

    private async Task<IHost> StartHostAsync(Action<AgentWorkerOptions>? configure = null)
    {
        HostApplicationBuilder b = Host.CreateApplicationBuilder();
        b.Logging.ClearProviders();
        b.Services.AddSingleton(_ => NpgsqlDataSource.Create(_db.AppConnectionString)); // a factory, so the host disposes it
        b.Services.AddKeyedSingleton("owner", (_, _) => NpgsqlDataSource.Create(_db.OwnerConnectionString));
        b.Services.AddQuantumLmPostgres(o =>
            {
                o.TaskQueue.BackoffBase = TimeSpan.FromMilliseconds(50);
                o.TaskQueue.BackoffCap = TimeSpan.FromMilliseconds(200);
                o.TaskQueue.PollInterval = TimeSpan.FromMilliseconds(50);
                o.TaskQueue.RescueInterval = TimeSpan.Zero;
            })
            .UseNpgsqlDataSource()
            .UseMigrationNpgsqlDataSource("owner")
            .ApplyMigrationsOnStartup();
        b.Services.AddQuantumLmAgents()
            .AddAgent<ScriptedAgent>()
            .AddWorker(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.LeaseDuration = TimeSpan.FromSeconds(5);
                o.HeartbeatInterval = TimeSpan.FromSeconds(1);
                o.ShutdownTimeout = TimeSpan.FromSeconds(2);
                configure?.Invoke(o);
            });
        IHost host = b.Build();
        await host.StartAsync();
        return host;
    }

    private static NewAgentTask NewTask(string script, int maxAttempts = 5) => new()
    {
        TaskType = TaskType.Parse("test:run"),
        Payload = JsonDocument.Parse($$"""{"script":"{{script}}"}""").RootElement,
        MaxAttempts = maxAttempts,
    };

    private static async Task<AgentTask> WaitForAsync(ITaskQueue queue, TaskId id, Func<AgentTask, bool> done, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            AgentTask? t = await queue.GetAsync(id, cts.Token);
            if (t is not null && done(t))
            {
                return t;
            }

            await Task.Delay(50, cts.Token);
        }
    }

    [Fact]
    public async Task Dispatch_RunsToCompletionWithItsResult()
    {
        ScriptedAgent.Scripts["ok"] = static (t, _) => Task.FromResult(JsonDocument.Parse("""{"answer":42}""").RootElement);
        using IHost host = await StartHostAsync();
        var dispatcher = host.Services.GetRequiredService<AgentDispatcher>();
        TaskId id = await dispatcher.DispatchAsync(NewTask("ok"), "test");
        AgentTask done = await WaitForAsync(host.Services.GetRequiredService<ITaskQueue>(), id, t => t.Status == AgentTaskStatus.Completed);
        Assert.Equal(42, done.Result!.Value.GetProperty("answer").GetInt32());
        Assert.Equal(1, done.Attempts);
        await host.StopAsync();
    }

    [Fact]
    public async Task Dispatch_UnknownTaskType_IsRefusedAndNothingIsQueued()
    {
        using IHost host = await StartHostAsync();
        var dispatcher = host.Services.GetRequiredService<AgentDispatcher>();
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => dispatcher.DispatchAsync(new NewAgentTask
        {
            TaskType = TaskType.Parse("miner:mine"),
            Payload = JsonDocument.Parse("{}").RootElement,
        }));
        Assert.Equal(QuantumLmErrorCodes.UnknownTaskType, ex.ErrorCode);
        await using var owner = NpgsqlDataSource.Create(_db.OwnerConnectionString);
        await using var cmd = owner.CreateCommand("SELECT count(*) FROM task_queue WHERE task_type = 'miner:mine'");
        Assert.Equal(0L, await cmd.ExecuteScalarAsync());
        await host.StopAsync();
    }

    [Fact]
    public async Task TransientFailure_IsRetriedThenSucceeds()
    {
        ScriptedAgent.Scripts["flaky"] = static (t, _) => t.Attempts < 2
            ? throw new QuantumLmException(QuantumLmErrorCodes.ServiceError, "backend hiccup", isTransient: true)
            : Task.FromResult(JsonDocument.Parse("""{"ok":true}""").RootElement);
        using IHost host = await StartHostAsync();
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(NewTask("flaky"));
        AgentTask done = await WaitForAsync(host.Services.GetRequiredService<ITaskQueue>(), id, t => t.Status == AgentTaskStatus.Completed);
        Assert.Equal(2, done.Attempts);
        await host.StopAsync();
    }

    [Fact]
    public async Task PermanentFailure_IsDeadLetteredWithItsError()
    {
        ScriptedAgent.Scripts["broken"] = static (_, _) => throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, "shots: must be positive");
        using IHost host = await StartHostAsync();
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(NewTask("broken"));
        AgentTask failed = await WaitForAsync(host.Services.GetRequiredService<ITaskQueue>(), id, t => t.Status == AgentTaskStatus.Failed);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("shots: must be positive", failed.Error, StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task UnexpectedException_IsPermanentAndDoesNotStallTheQueue()
    {
        ScriptedAgent.Scripts["poison"] = static (_, _) => throw new InvalidOperationException("poison");
        ScriptedAgent.Scripts["ok2"] = static (_, _) => Task.FromResult(JsonDocument.Parse("{}").RootElement);
        using IHost host = await StartHostAsync(o => o.Concurrency = 1);
        var dispatcher = host.Services.GetRequiredService<AgentDispatcher>();
        TaskId poison = await dispatcher.DispatchAsync(NewTask("poison"));
        TaskId after = await dispatcher.DispatchAsync(NewTask("ok2"));
        var queue = host.Services.GetRequiredService<ITaskQueue>();
        AgentTask p = await WaitForAsync(queue, poison, t => t.Status == AgentTaskStatus.Failed);
        Assert.Contains("InvalidOperationException: poison", p.Error, StringComparison.Ordinal);
        await WaitForAsync(queue, after, t => t.Status == AgentTaskStatus.Completed);
        await host.StopAsync();
    }

    [Fact]
    public async Task TaskTimeout_IsATransientFailure()
    {
        ScriptedAgent.Scripts["slow"] = static async (t, ct) =>
        {
            if (t.Attempts == 1)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return JsonDocument.Parse("{}").RootElement;
        };
        using IHost host = await StartHostAsync(o => o.TaskTimeout = TimeSpan.FromMilliseconds(300));
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(NewTask("slow"));
        AgentTask done = await WaitForAsync(host.Services.GetRequiredService<ITaskQueue>(), id, t => t.Status == AgentTaskStatus.Completed);
        Assert.Equal(2, done.Attempts);
        await host.StopAsync();
    }

    [Fact]
    public async Task Shutdown_ReleasesALongTask_AndAnotherWorkerFinishesIt()
    {
        var started = new TaskCompletionSource();
        // A release does not count as a failed attempt, so the second run is recognised by the execution count.
        ScriptedAgent.Scripts["long"] = async (t, ct) =>
        {
            started.TrySetResult();
            if (ScriptedAgent.Executions[t.Id] == 1)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return JsonDocument.Parse("""{"finished_by":"second"}""").RootElement;
        };
        IHost first = await StartHostAsync(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(200));
        TaskId id = await first.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(NewTask("long"));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await first.StopAsync();
        first.Dispose();

        using IHost second = await StartHostAsync();
        AgentTask done = await WaitForAsync(second.Services.GetRequiredService<ITaskQueue>(), id, t => t.Status == AgentTaskStatus.Completed);
        Assert.Equal("second", done.Result!.Value.GetProperty("finished_by").GetString());
        Assert.Equal(2, ScriptedAgent.Executions[id]);
        Assert.Equal(1, done.Attempts);
        await second.StopAsync();
    }

    [Fact]
    public async Task TwoWorkers_ShareOneQueue_EveryTaskDoneOnce()
    {
        ScriptedAgent.Scripts["count"] = static async (_, ct) =>
        {
            await Task.Delay(1, ct);
            return JsonDocument.Parse("{}").RootElement;
        };
        using IHost a = await StartHostAsync(o => o.Concurrency = 4);
        using IHost b = await StartHostAsync(o => o.Concurrency = 4);
        var dispatcher = a.Services.GetRequiredService<AgentDispatcher>();
        var ids = new List<TaskId>();
        for (int i = 0; i < 200; i++)
        {
            ids.Add(await dispatcher.DispatchAsync(NewTask("count")));
        }

        var queue = a.Services.GetRequiredService<ITaskQueue>();
        foreach (TaskId id in ids)
        {
            await WaitForAsync(queue, id, t => t.Status == AgentTaskStatus.Completed, TimeSpan.FromSeconds(60));
        }

        Assert.All(ids, id => Assert.Equal(1, ScriptedAgent.Executions[id]));
        await a.StopAsync();
        await b.StopAsync();
    }

    [Fact]
    public async Task Events_ArePublishedToTheTasksSession()
    {
        ScriptedAgent.Scripts["evt"] = static (_, _) => Task.FromResult(JsonDocument.Parse("{}").RootElement);
        using IHost host = await StartHostAsync();
        // A session owned by a user, created through the platform's own schema.
        SessionId session = await CreateSessionAsync(host.Services);
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(NewTask("evt") with { SessionId = session });
        await WaitForAsync(host.Services.GetRequiredService<ITaskQueue>(), id, t => t.Status == AgentTaskStatus.Completed);
        IReadOnlyList<AgentEvent> events = await host.Services.GetRequiredService<IAgentEventStream>().GetEventsAsync(session, null, 100);
        Assert.Equal(["task_started", "task_completed"], events.Where(e => e.TaskId == id).Select(e => e.EventType));
        await host.StopAsync();
    }

    private static async Task<SessionId> CreateSessionAsync(IServiceProvider services)
    {
        var users = services.GetRequiredService<IUserStore>();
        UserId user = await users.CreateUserAsync($"{Guid.NewGuid():N}@example.org", "not-a-real-hash-but-long-enough");
        ArenaSessionRecord session = await services.GetRequiredService<IArenaSessionStore>().CreateAsync(DbIdentity.ForUser(user), "worker test");
        return session.SessionId;
    }
}
