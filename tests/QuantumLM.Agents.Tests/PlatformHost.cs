using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Organisms;
using QuantumLM.Persistence.Postgres;
using QuantumLM.Quantum;
using QuantumLM.Testing;

namespace QuantumLM.Agents.Tests;

/// <summary>A generic host with the platform agents, the worker, the local simulator and the real PostgreSQL queue.</summary>
internal static class PlatformHost
{
    public static async Task<IHost> StartAsync(PostgresDatabase db, Action<IServiceCollection>? services = null, Action<AgentWorkerOptions>? worker = null, bool migrate = true)
    {
        HostApplicationBuilder b = Host.CreateApplicationBuilder();
        b.Logging.ClearProviders();
        b.Services.AddSingleton(_ => NpgsqlDataSource.Create(db.AppConnectionString));
        IQuantumLmPostgresBuilder pg = b.Services.AddQuantumLmPostgres(o =>
            {
                o.TaskQueue.BackoffBase = TimeSpan.FromMilliseconds(50);
                o.TaskQueue.BackoffCap = TimeSpan.FromMilliseconds(200);
                o.TaskQueue.PollInterval = TimeSpan.FromMilliseconds(50);
                o.TaskQueue.RescueInterval = TimeSpan.Zero;
            })
            .UseNpgsqlDataSource();
        if (migrate)
        {
            b.Services.AddKeyedSingleton("owner", (_, _) => NpgsqlDataSource.Create(db.OwnerConnectionString));
            pg.UseMigrationNpgsqlDataSource("owner").ApplyMigrationsOnStartup();
        }

        b.Services.AddQuantumMetrics();
        b.Services.AddLocalQuantumSimulator();
        b.Services.AddQuantumLmOrganisms();
        services?.Invoke(b.Services);
        b.Services.AddQuantumLmAgents()
            .AddPlatformAgents()
            .AddWorker(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.LeaseDuration = TimeSpan.FromSeconds(5);
                o.HeartbeatInterval = TimeSpan.FromSeconds(1);
                o.ShutdownTimeout = TimeSpan.FromSeconds(2);
                worker?.Invoke(o);
            });
        IHost host = b.Build();
        await host.StartAsync();
        return host;
    }

    public static async Task<AgentTask> WaitForAsync(IHost host, TaskId id, Func<AgentTask, bool> done, TimeSpan? timeout = null)
    {
        var queue = host.Services.GetRequiredService<ITaskQueue>();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            AgentTask? t = await queue.GetAsync(id, cts.Token);
            if (t is not null && done(t))
            {
                return t;
            }

            await System.Threading.Tasks.Task.Delay(50, cts.Token);
        }
    }

    public static System.Threading.Tasks.Task<AgentTask> WaitForCompletedAsync(IHost host, TaskId id, TimeSpan? timeout = null) =>
        WaitForAsync(host, id, t => t.Status is AgentTaskStatus.Completed or AgentTaskStatus.Failed, timeout);

    public static NewAgentTask Task(string taskType, string payloadJson, UserId? user, SessionId? session, int maxAttempts = 5) => new()
    {
        TaskType = TaskType.Parse(taskType),
        Payload = JsonDocument.Parse(payloadJson).RootElement.Clone(),
        CreatedBy = user,
        SessionId = session,
        MaxAttempts = maxAttempts,
    };

    /// <summary>Creates a user and a session owned by them, through the platform's own stores.</summary>
    public static async Task<(UserId User, SessionId Session)> CreateUserAndSessionAsync(PostgresDatabase db)
    {
        await using ServiceProvider sp = Observer(db);
        UserId user = await sp.GetRequiredService<IUserStore>().CreateUserAsync($"{Guid.NewGuid():N}@example.org", "not-a-real-hash-but-long-enough");
        ArenaSessionRecord session = await sp.GetRequiredService<IArenaSessionStore>().CreateAsync(DbIdentity.ForUser(user), "agents test");
        return (user, session.SessionId);
    }

    /// <summary>Runs SQL as a test service identity (which row-level security lets see everything) and returns the rows as column → value maps.</summary>
    public static async Task<List<Dictionary<string, object?>>> QueryAsync(PostgresDatabase db, string sql, params object[] args)
    {
        await using var ds = NpgsqlDataSource.Create(db.AppConnectionString);
        await using NpgsqlConnection conn = await ds.OpenConnectionAsync();
        await using NpgsqlTransaction tx = await conn.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand("SELECT set_config('role', 'quantumlm_service', true), set_config('request.jwt.claims', '{\"service\":\"tests\",\"role\":\"service\"}', true)", conn, tx))
        {
            await set.ExecuteNonQueryAsync();
        }

        var rows = new List<Dictionary<string, object?>>();
        await using (var cmd = new NpgsqlCommand(sql, conn, tx))
        {
            foreach (object a in args)
            {
                cmd.Parameters.Add(new() { Value = a });
            }

            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (int i = 0; i < r.FieldCount; i++)
                {
                    row[r.GetName(i)] = r.IsDBNull(i) ? null : r.GetValue(i);
                }

                rows.Add(row);
            }
        }

        await tx.CommitAsync();
        return rows;
    }

    private static ServiceProvider Observer(PostgresDatabase db)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(_ => NpgsqlDataSource.Create(db.AppConnectionString));
        services.AddQuantumLmPostgres().UseNpgsqlDataSource();
        return services.BuildServiceProvider();
    }
}
