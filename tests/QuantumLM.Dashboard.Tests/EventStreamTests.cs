using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using QuantumLM.ReferenceHost.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace QuantumLM.Dashboard.Tests;

/// <summary>
/// The dashboard's event stream reader: when the stream ends it reconnects with Last-Event-ID set to the last event it
/// showed, shows what the server replays without gaps, and drops replayed duplicates. The stream responses are
/// scripted through Playwright's request routing (the session and everything else are the real host).
/// </summary>
public sealed class EventStreamTests(DashboardHost host, ChromiumFixture chromium) : IClassFixture<DashboardHost>, IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Stream_ThatDrops_IsResumedFromTheLastEventId_WithoutGapsOrDuplicates()
    {
        TestUser user = await host.CreateUserAsync();
        using HttpResponseMessage created = await user.Client.PostAsJsonAsync("/api/arena/session", new { session_name = "Reconnect" });
        created.EnsureSuccessStatusCode();
        string sessionId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("session_id").GetString()!;

        var lastEventIds = new List<string?>();
        await using IBrowserContext context = await chromium.NewContextAsync();
        await context.RouteAsync("**/api/arena/events/stream?**", async route =>
        {
            Assert.Contains($"session_id={sessionId}", route.Request.Url, StringComparison.Ordinal);
            Assert.Equal("Bearer " + user.AccessToken, await route.Request.HeaderValueAsync("authorization"));
            string? lastEventId = await route.Request.HeaderValueAsync("last-event-id");
            lock (lastEventIds)
            {
                lastEventIds.Add(lastEventId);
            }

            string body = lastEventIds.Count switch
            {
                // First connection: two events, then the connection drops (the response ends).
                1 => "retry: 100\n\n" + Frame(1, "first") + Frame(2, "second"),
                // The reconnect: the server replays from the id it was given; 2 is a duplicate, 3 is new.
                2 => Frame(2, "second") + Frame(3, "third"),
                // Later reconnects: nothing new; a long retry keeps the test quiet.
                _ => "retry: 60000\n\n: keep-alive\n\n",
            };
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/event-stream", Body = body });
        });

        IPage page = await DashboardPage.OpenSignedInAsync(context, host.BaseAddress, user, "#arena");
        await Expect(page.Locator("#session-list button[aria-pressed=true]")).ToContainTextAsync("Reconnect");

        ILocator rows = page.Locator("#event-rows tr");
        await Expect(rows).ToHaveCountAsync(3);
        Assert.Equal(["1", "2", "3"], await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.eventId)"));
        Assert.Equal(["first", "second", "third"], await page.Locator("#event-rows tr td:nth-child(5)").AllInnerTextsAsync());
        await Expect(page.Locator("#event-count")).ToHaveTextAsync("3 events");
        lock (lastEventIds)
        {
            Assert.Null(lastEventIds[0]);
            Assert.Equal("2", lastEventIds[1]);
            Assert.All(lastEventIds.Skip(2), id => Assert.Equal("3", id));
        }
    }

    [Fact]
    public async Task Stream_OfTheRealHost_ShowsStoredEvents_InOrder()
    {
        TestUser user = await host.CreateUserAsync();
        using HttpResponseMessage created = await user.Client.PostAsJsonAsync("/api/arena/session", new { session_name = "Stored events" });
        created.EnsureSuccessStatusCode();
        var sessionId = new QuantumLM.Abstractions.SessionId(JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("session_id").GetGuid());
        var sink = host.App.Services.GetRequiredService<QuantumLM.Abstractions.Agents.IAgentEventSink>();
        for (int i = 1; i <= 3; i++)
        {
            await sink.PublishAsync(new QuantumLM.Abstractions.Agents.NewAgentEvent
            {
                SessionId = sessionId, AgentType = "tester", EventType = "note", Message = $"stored {i}",
            });
        }

        await using IBrowserContext context = await chromium.NewContextAsync();
        IPage page = await DashboardPage.OpenSignedInAsync(context, host.BaseAddress, user, "#arena");
        await Expect(page.Locator("#stream-state")).ToHaveTextAsync("live");
        await Expect(page.Locator("#event-rows tr")).ToHaveCountAsync(3);
        Assert.Equal(["stored 1", "stored 2", "stored 3"], await page.Locator("#event-rows tr td:nth-child(5)").AllInnerTextsAsync());

        // One more, written while the page is open, arrives live.
        await sink.PublishAsync(new QuantumLM.Abstractions.Agents.NewAgentEvent { SessionId = sessionId, AgentType = "tester", EventType = "note", Message = "live 4" });
        await Expect(page.Locator("#event-rows tr")).ToHaveCountAsync(4);
        await Expect(page.Locator("#event-rows tr").Last).ToContainTextAsync("live 4");
    }

    private static string Frame(long id, string message) =>
        $"id: {id}\nevent: note\ndata: {JsonSerializer.Serialize(new { event_id = id, agent_type = "tester", event_type = "note", level = "info", message, created_at = "2026-11-25T03:00:00Z" })}\n\n";
}
