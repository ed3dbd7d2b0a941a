using System.Text.Json;
using Npgsql;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Persistence.Postgres.Tests;

public sealed class EventStreamTests(EventStreamTests.Fixture fx) : IClassFixture<EventStreamTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public TestDatabase Db { get; } = new();

        public Task InitializeAsync() => Db.InitializeAsync();

        public Task DisposeAsync() => Db.DisposeAsync();
    }

    private TestDatabase Db => fx.Db;

    private static NewAgentEvent E(SessionId s, int n) => new()
    {
        SessionId = s, AgentType = "quantum", EventType = "progress", Message = $"event {n}",
        Data = JsonDocument.Parse($"{{\"n\": {n}}}").RootElement.Clone(), Level = n % 2 == 0 ? AgentEventLevel.Info : AgentEventLevel.Warning,
    };

    [Fact]
    public async Task Publish_ThenPage_ReturnsOldestFirstAfterTheGivenId()
    {
        var ev = Db.NewEvents();
        DbIdentity owner = await Db.CreateUserAsync("ev-page");
        SessionId sid = await Db.CreateSessionAsync(owner);
        var stored = new List<AgentEvent>();
        for (int i = 0; i < 5; i++)
        {
            stored.Add(await ev.PublishAsync(E(sid, i)));
        }

        Assert.Equal(stored.Select(e => e.Id).Order(), stored.Select(e => e.Id));
        IReadOnlyList<AgentEvent> page = await ev.GetEventsAsync(sid, stored[1].Id, 2);
        Assert.Equal([stored[2].Id, stored[3].Id], page.Select(e => e.Id));
        Assert.Equal("event 2", page[0].Message);
        Assert.Equal(2, page[0].Data!.Value.GetProperty("n").GetInt32());
        Assert.Equal(AgentEventLevel.Warning, page[1].Level);
    }

    [Fact]
    public async Task Stream_YieldsBacklogThenLiveEvents_InIdOrderWithoutGaps_UnderConcurrentPublishers()
    {
        var ev = Db.NewEvents(o => o.Events.PollInterval = TimeSpan.FromSeconds(5));
        DbIdentity owner = await Db.CreateUserAsync("ev-live");
        SessionId sid = await Db.CreateSessionAsync(owner);
        for (int i = 0; i < 10; i++)
        {
            await ev.PublishAsync(E(sid, i));
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = new List<AgentEvent>();
        const int total = 10 + (4 * 50);
        Task reader = Task.Run(async () =>
        {
            await foreach (AgentEvent e in ev.StreamAsync(sid, null, cts.Token))
            {
                received.Add(e);
                if (received.Count == total)
                {
                    return;
                }
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            for (int i = 0; i < 50; i++)
            {
                await ev.PublishAsync(E(sid, 1000 + (p * 100) + i));
            }
        })));
        await reader.WaitAsync(cts.Token);
        IReadOnlyList<AgentEvent> all = await ev.GetEventsAsync(sid, null, 1000);
        Assert.Equal(all.Select(e => e.Id), received.Select(e => e.Id));
    }

    [Fact]
    public async Task Stream_ResumesAfterTheLastSeenId()
    {
        var ev = Db.NewEvents();
        DbIdentity owner = await Db.CreateUserAsync("ev-resume");
        SessionId sid = await Db.CreateSessionAsync(owner);
        var ids = new List<long>();
        for (int i = 0; i < 6; i++)
        {
            ids.Add((await ev.PublishAsync(E(sid, i))).Id);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var got = new List<long>();
        await foreach (AgentEvent e in ev.StreamAsync(sid, ids[2], cts.Token))
        {
            got.Add(e.Id);
            if (got.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(ids.Skip(3), got);
    }

    [Fact]
    public async Task Stream_SurvivesAServerRestart_AndDeliversEveryEventOnce()
    {
        await using ThrowawayCluster cluster = await ThrowawayCluster.StartAsync();
        await using var app = NpgsqlDataSource.Create(cluster.AppConnectionString);
        var sources = new PostgresDataSources(app, null, null);
        var sessions = new DbSessionFactory(sources);
        var ev = new PostgresAgentEvents(sessions, sources, TestDatabase.Options(o =>
        {
            o.Events.PollInterval = TimeSpan.FromMilliseconds(500);
            o.Events.ReconnectDelay = TimeSpan.FromMilliseconds(100);
        }));
        var svc = TestDatabase.Service;
        var uid = Guid.CreateVersion7();
        var sid = SessionId.New();
        await using (DbSession s = await sessions.OpenAsync(svc))
        {
            await using var c1 = s.Command("INSERT INTO users (user_id, email) VALUES ($1, 'r@example.test')");
            c1.Parameters.Add(new NpgsqlParameter { Value = uid });
            await c1.ExecuteNonQueryAsync();
            await using var c2 = s.Command("INSERT INTO arena_sessions (session_id, user_id, session_name) VALUES ($1, $2, 'restart')");
            c2.Parameters.Add(new NpgsqlParameter { Value = sid.Value });
            c2.Parameters.Add(new NpgsqlParameter { Value = uid });
            await c2.ExecuteNonQueryAsync();
            await s.CommitAsync();
        }

        for (int i = 0; i < 5; i++)
        {
            await ev.PublishAsync(E(sid, i));
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var received = new List<AgentEvent>();
        var firstFive = new TaskCompletionSource();
        Task reader = Task.Run(async () =>
        {
            await foreach (AgentEvent e in ev.StreamAsync(sid, null, cts.Token))
            {
                received.Add(e);
                if (received.Count == 5)
                {
                    firstFive.TrySetResult();
                }

                if (received.Count == 10)
                {
                    return;
                }
            }
        });
        await firstFive.Task.WaitAsync(cts.Token);
        await cluster.RestartAsync();
        for (int i = 5; i < 10; i++)
        {
            while (true)
            {
                try
                {
                    await ev.PublishAsync(E(sid, i));
                    break;
                }
                catch (Exception ex) when (ex is NpgsqlException or QuantumLmException)
                {
                    await Task.Delay(100); // the publisher's pooled connection died with the server
                }
            }
        }

        await reader.WaitAsync(cts.Token);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"event {i}"), received.Select(e => e.Message));
        Assert.Equal(received.Select(e => e.Id).Order(), received.Select(e => e.Id));
    }
}
