using System.Net;
using System.Text.Json;
using QuantumLM.ReferenceHost.Tests.Infrastructure;
using static QuantumLM.ReferenceHost.Tests.Api.ApiTestKit;

namespace QuantumLM.ReferenceHost.Tests.Api;

public sealed class ArenaSessionTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Fact]
    public async Task Session_Crud_RoundTrips()
    {
        TestUser a = await host.CreateUserAsync();
        HttpResponseMessage created = await a.Client.PostJsonAsync("/api/arena/session", new { session_name = "  Bell runs  " });
        JsonElement s = await created.JsonAsync(HttpStatusCode.Created);
        Guid id = s.GetProperty("session_id").GetGuid();
        Assert.Equal("Bell runs", s.GetProperty("session_name").GetString());
        Assert.Equal("active", s.GetProperty("status").GetString());
        Assert.Equal(a.Id.Value, s.GetProperty("user_id").GetGuid());
        Assert.Equal($"/api/arena/session/{id}", created.Headers.Location?.OriginalString);

        JsonElement list = await (await a.Client.GetAsync("/api/arena/session")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal([id], list.GetProperty("sessions").EnumerateArray().Select(static x => x.GetProperty("session_id").GetGuid()));

        JsonElement patched = await (await a.Client.SendJsonAsync(HttpMethod.Patch, $"/api/arena/session/{id}", """{"status":"completed"}""")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("completed", patched.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, patched.GetProperty("ended_at").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await a.Client.DeleteAsync($"/api/arena/session/{id}")).StatusCode);
        await (await a.Client.GetAsync($"/api/arena/session/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await CountAsync(host, "SELECT count(*) FROM arena_sessions WHERE session_id = $1", id));
    }

    [Theory]
    [InlineData("""{"status":"finished"}""", "status")]
    [InlineData("""{"status":3}""", "status")]
    [InlineData("""{}""", "status")]
    [InlineData("""{"status":"paused""", "$")]
    [InlineData("""["paused"]""", "$")]
    public async Task Patch_BadInput_Is400AndChangesNothing(string json, string field)
    {
        TestUser a = await host.CreateUserAsync();
        Guid id = await CreateSessionAsync(a);
        await (await a.Client.SendJsonAsync(HttpMethod.Patch, $"/api/arena/session/{id}", json)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal("active", (await (await a.Client.GetAsync($"/api/arena/session/{id}")).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{"session_name": ""}""", "session_name")]
    [InlineData("""{"session_name": "   "}""", "session_name")]
    [InlineData("""{"session_name": 12}""", "session_name")]
    [InlineData("""{"name": "x"}""", "session_name")]
    [InlineData("""{"session_name": "x",""", "$")]
    public async Task Create_BadInput_Is400AndWritesNothing(string json, string field)
    {
        TestUser a = await host.CreateUserAsync();
        await (await a.Client.PostRawAsync("/api/arena/session", json)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await RowsOfAsync(host, a));
    }

    [Fact]
    public async Task Create_OversizedName_Is400NamingTheField()
    {
        TestUser a = await host.CreateUserAsync();
        string? message = await (await a.Client.PostJsonAsync("/api/arena/session", new { session_name = new string('x', 101) })).AssertProblemAsync(HttpStatusCode.BadRequest, "session_name");
        Assert.Contains("101", message, StringComparison.Ordinal);
        Assert.Equal(0, await RowsOfAsync(host, a));
    }

    [Fact]
    public async Task Create_OversizedBody_Is413Problem()
    {
        TestUser a = await host.CreateUserAsync();
        string json = JsonSerializer.Serialize(new { session_name = "x", padding = new string('p', 2 * 1024 * 1024) });
        await (await a.Client.PostRawAsync("/api/arena/session", json)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await RowsOfAsync(host, a));
    }

    [Fact]
    public async Task Events_History_IsPagedOldestFirst()
    {
        TestUser a = await host.CreateUserAsync();
        Guid id = await CreateSessionAsync(a);
        long[] ids = await EventTestKit.PublishAsync(host, id, 5);

        JsonElement first = await (await a.Client.GetAsync($"/api/arena/events?session_id={id}&limit=2")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(ids[..2], first.GetProperty("events").EnumerateArray().Select(static e => e.GetProperty("event_id").GetInt64()));
        Assert.True(first.GetProperty("has_more").GetBoolean());
        long next = first.GetProperty("next_after").GetInt64();
        JsonElement rest = await (await a.Client.GetAsync($"/api/arena/events?session_id={id}&after={next}&limit=10")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(ids[2..], rest.GetProperty("events").EnumerateArray().Select(static e => e.GetProperty("event_id").GetInt64()));
        Assert.False(rest.GetProperty("has_more").GetBoolean());
        Assert.Equal("step", rest.GetProperty("events")[0].GetProperty("event_type").GetString());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=abc")]
    [InlineData("after=-1")]
    public async Task Events_BadQuery_Is400NamingTheParameter(string query)
    {
        TestUser a = await host.CreateUserAsync();
        Guid id = await CreateSessionAsync(a);
        await (await a.Client.GetAsync($"/api/arena/events?session_id={id}&{query}")).AssertProblemAsync(HttpStatusCode.BadRequest, query.Split('=')[0]);
    }

    [Fact]
    public async Task Events_WithoutSession_Is400()
    {
        TestUser a = await host.CreateUserAsync();
        await (await a.Client.GetAsync("/api/arena/events")).AssertProblemAsync(HttpStatusCode.BadRequest, "session_id");
        await (await a.Client.GetAsync("/api/arena/events?session_id=nope")).AssertProblemAsync(HttpStatusCode.BadRequest, "session_id");
    }
}
