using System.Net;
using QuantumLM.ReferenceHost.Tests.Infrastructure;
using static QuantumLM.ReferenceHost.Tests.Api.ApiTestKit;

namespace QuantumLM.ReferenceHost.Tests.Api;

public sealed class EventStreamTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    private static async Task<List<SseReader.Frame>> TakeAsync(SseReader reader, int count, CancellationToken ct)
    {
        var frames = new List<SseReader.Frame>();
        while (frames.Count < count)
        {
            SseReader.Frame? f = await reader.NextAsync(ct);
            Assert.NotNull(f);
            frames.Add(f);
        }

        return frames;
    }

    [Fact]
    public async Task Stream_ReplaysStoredThenLive_InOrder_WithEventIdsAndTypes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        TestUser a = await host.CreateUserAsync();
        Guid session = await CreateSessionAsync(a);
        long[] stored = await EventTestKit.PublishAsync(host, session, 3);

        (HttpResponseMessage response, SseReader reader) = await SseReader.OpenAsync(a.Client, $"/api/arena/events/stream?session_id={session}", ct: cts.Token);
        using (response)
        using (reader)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            List<SseReader.Frame> replay = await TakeAsync(reader, 3, cts.Token);
            Assert.Equal(stored, replay.Select(static f => f.Id));
            Assert.All(replay, static f => Assert.Equal("step", f.Type));
            Assert.Equal(stored[0], replay[0].Data.GetProperty("event_id").GetInt64());
            Assert.Equal(session, replay[0].Data.GetProperty("session_id").GetGuid());

            long[] live = await EventTestKit.PublishAsync(host, session, 4, start: 3);
            List<SseReader.Frame> got = await TakeAsync(reader, 4, cts.Token);
            Assert.Equal(live, got.Select(static f => f.Id));
            Assert.Equal([3, 4, 5, 6], got.Select(static f => f.Data.GetProperty("data").GetProperty("n").GetInt32()));
        }
    }

    [Fact]
    public async Task Stream_ResumedWithLastEventId_GetsExactlyTheMissedEvents()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        TestUser a = await host.CreateUserAsync();
        Guid session = await CreateSessionAsync(a);
        long[] first = await EventTestKit.PublishAsync(host, session, 5);

        // A client saw the first two events, disconnected, and five more happened meanwhile.
        long[] missedWhileAway = await EventTestKit.PublishAsync(host, session, 5, start: 5);
        (HttpResponseMessage response, SseReader reader) = await SseReader.OpenAsync(a.Client, $"/api/arena/events/stream?session_id={session}", lastEventId: first[1], ct: cts.Token);
        using (response)
        using (reader)
        {
            long[] expected = [.. first[2..], .. missedWhileAway];
            List<SseReader.Frame> replay = await TakeAsync(reader, expected.Length, cts.Token);
            Assert.Equal(expected, replay.Select(static f => f.Id));

            long[] live = await EventTestKit.PublishAsync(host, session, 3, start: 10);
            List<SseReader.Frame> got = await TakeAsync(reader, 3, cts.Token);
            Assert.Equal(live, got.Select(static f => f.Id));
        }
    }

    [Fact]
    public async Task Stream_ManySubscribers_EachGetEveryEventInOrder_AndHeartbeats()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        TestUser a = await host.CreateUserAsync();
        Guid session = await CreateSessionAsync(a);
        const int subscribers = 20, events = 50;
        var opened = new List<(HttpResponseMessage Response, SseReader Reader)>();
        try
        {
            for (int i = 0; i < subscribers; i++)
            {
                opened.Add(await SseReader.OpenAsync(a.Client, $"/api/arena/events/stream?session_id={session}", ct: cts.Token));
            }

            Task<long[]> publishing = EventTestKit.PublishAsync(host, session, events);
            List<SseReader.Frame>[] received = await Task.WhenAll(opened.Select(o => TakeAsync(o.Reader, events, cts.Token)));
            long[] ids = await publishing;
            Assert.All(received, r => Assert.Equal(ids, r.Select(static f => f.Id)));

            // Idle: heartbeat comments keep the connection open (the fixture's interval is 300 ms).
            SseReader quiet = opened[0].Reader;
            Task<SseReader.Frame?> next = quiet.NextAsync(cts.Token);
            await Task.Delay(1000, cts.Token);
            Assert.True(quiet.Comments >= 2, $"expected heartbeat comments, saw {quiet.Comments}");
            long[] last = await EventTestKit.PublishAsync(host, session, 1, start: events);
            Assert.Equal(last[0], (await next)!.Id);
        }
        finally
        {
            foreach ((HttpResponseMessage response, SseReader reader) in opened)
            {
                reader.Dispose();
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Stream_BadLastEventId_Is400_AndOthersSession_Is404()
    {
        TestUser a = await host.CreateUserAsync();
        TestUser b = await host.CreateUserAsync();
        Guid session = await CreateSessionAsync(a);
        using var bad = new HttpRequestMessage(HttpMethod.Get, $"/api/arena/events/stream?session_id={session}");
        bad.Headers.Add("Last-Event-ID", "abc");
        await (await a.Client.SendAsync(bad)).AssertProblemAsync(HttpStatusCode.BadRequest, "Last-Event-ID");
        await (await b.Client.GetAsync($"/api/arena/events/stream?session_id={session}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
