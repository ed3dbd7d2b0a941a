using System.Net;
using System.Text.Json;
using QuantumLM.Abstractions.Security;
using QuantumLM.ReferenceHost.Tests.Infrastructure;
using static QuantumLM.ReferenceHost.Tests.Api.ApiTestKit;

namespace QuantumLM.ReferenceHost.Tests.Api;

/// <summary>User B cannot read, change or delete anything of user A's: every such request is 404, and A's data is unchanged.</summary>
public sealed class IsolationTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    private const string Diff = "--- a/x.txt\n+++ b/x.txt\n@@ -1,1 +1,1 @@\n-old\n+new\n";

    [Fact]
    public async Task OtherUser_Gets404_ForSessionsJobsEventsTasksAndCommits()
    {
        TestUser a = await host.CreateUserAsync(Role.Researcher);
        TestUser b = await host.CreateUserAsync(Role.Researcher);
        Guid session = await CreateSessionAsync(a);
        await EventTestKit.PublishAsync(host, session, 2);
        JsonElement job = await (await a.Client.PostJsonAsync("/api/quantum/jobs", new { circuit = Ghz3, shots = 10, session_id = session })).JsonAsync(HttpStatusCode.Accepted);
        Guid jobId = job.GetProperty("job_id").GetGuid();
        Guid taskId = job.GetProperty("task_id").GetGuid();
        JsonElement commit = await (await a.Client.PostJsonAsync("/api/commits", new { session_id = session, commit_message = "m", diff = Diff })).JsonAsync(HttpStatusCode.Created);

        HttpClient c = b.Client;
        await (await c.GetAsync($"/api/arena/session/{session}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await c.SendJsonAsync(HttpMethod.Patch, $"/api/arena/session/{session}", """{"status":"paused"}""")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await c.DeleteAsync($"/api/arena/session/{session}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"/api/arena/events?session_id={session}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"/api/arena/events/stream?session_id={session}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"/api/quantum/jobs/{jobId}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await c.PostAsync($"/api/quantum/jobs/{jobId}/cancel", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"/api/tasks/{taskId}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await c.GetAsync($"/api/arena/session/{session}/commits")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await c.PostJsonAsync("/api/commits", new { session_id = session, commit_message = "mine now", diff = Diff })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await c.PostJsonAsync("/api/agents/dispatch", new { agent_type = "coder", task_type = "coder:generate", task_payload = new { prompt = "x", language = "python" }, session_id = session }))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        JsonElement bJobs = await (await c.GetAsync("/api/quantum/jobs")).JsonAsync(HttpStatusCode.OK);
        Assert.Empty(bJobs.GetProperty("jobs").EnumerateArray());
        JsonElement bSessions = await (await c.GetAsync("/api/arena/session")).JsonAsync(HttpStatusCode.OK);
        Assert.Empty(bSessions.GetProperty("sessions").EnumerateArray());

        // A's data is untouched, and B wrote nothing.
        JsonElement mine = await (await a.Client.GetAsync($"/api/arena/session/{session}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("active", mine.GetProperty("status").GetString());
        JsonElement commits = await (await a.Client.GetAsync($"/api/arena/session/{session}/commits")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal([commit.GetProperty("commit_hash").GetString()], commits.GetProperty("commits").EnumerateArray().Select(static x => x.GetProperty("commit_hash").GetString()));
        Assert.NotEqual("cancelled", (await (await a.Client.GetAsync($"/api/quantum/jobs/{jobId}")).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal(0, await RowsOfAsync(host, b));
    }

    [Fact]
    public async Task OrganismMutate_WithoutRole_Is403OnOwnSession_404OnOthers_AndWritesNothing()
    {
        TestUser owner = await host.CreateUserAsync();
        TestUser other = await host.CreateUserAsync();
        Guid own = await CreateSessionAsync(owner);
        Guid foreign = await CreateSessionAsync(other);
        var body = new { session_id = own, organism_genome = OrganismTests.Genome, mutation_type = "evolve" };
        await (await owner.Client.PostJsonAsync("/api/organisms/mutate", body)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await owner.Client.PostJsonAsync("/api/organisms/mutate", body with { session_id = foreign })).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(1, await RowsOfAsync(host, owner)); // just the session
    }
}
