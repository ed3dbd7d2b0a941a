using System.Net;
using System.Text.Json;
using QuantumLM.Abstractions.Security;
using QuantumLM.ReferenceHost.Tests.Infrastructure;
using static QuantumLM.ReferenceHost.Tests.Api.ApiTestKit;

namespace QuantumLM.ReferenceHost.Tests.Api;

public sealed class QuantumJobTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    /// <summary>
    /// The user story: create a session, submit a GHZ job on the local backend, watch its events arrive live on the
    /// session's SSE stream, then read the completed job with counts and metrics (needs the QuantumAgent).
    /// </summary>
    [Fact]
    public async Task UserStory_GhzJob_StreamsEvents_AndCompletesWithCountsAndMetrics()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        TestUser r = await host.CreateUserAsync(Role.Researcher);
        Guid session = await CreateSessionAsync(r, "ghz");
        (HttpResponseMessage stream, SseReader reader) = await SseReader.OpenAsync(r.Client, $"/api/arena/events/stream?session_id={session}", ct: cts.Token);
        using (stream)
        using (reader)
        {
            JsonElement accepted = await (await r.Client.PostJsonAsync("/api/quantum/jobs", new { circuit = Ghz3, shots = 2000, backend = "local", seed = 7, session_id = session }))
                .JsonAsync(HttpStatusCode.Accepted);
            Guid jobId = accepted.GetProperty("job_id").GetGuid();
            Guid taskId = accepted.GetProperty("task_id").GetGuid();
            Assert.Equal("queued", accepted.GetProperty("status").GetString());

            SseReader.Frame? ev = await reader.NextAsync(cts.Token);
            Assert.NotNull(ev);
            Assert.Equal(session, ev.Data.GetProperty("session_id").GetGuid());

            JsonElement job;
            do
            {
                await Task.Delay(200, cts.Token);
                job = await (await r.Client.GetAsync($"/api/quantum/jobs/{jobId}", cts.Token)).JsonAsync(HttpStatusCode.OK);
            }
            while (job.GetProperty("status").GetString() is "queued" or "running");

            Assert.True(job.GetProperty("status").GetString() == "completed", job.ToString());
            Assert.Equal(taskId, job.GetProperty("task_id").GetGuid());
            var counts = job.GetProperty("counts").EnumerateObject().ToDictionary(static p => p.Name, static p => p.Value.GetInt64());
            Assert.Equal(2000, counts.Values.Sum());
            Assert.Subset(new HashSet<string> { "000", "111" }, counts.Keys.ToHashSet());
            JsonElement metrics = job.GetProperty("metrics");
            Assert.Equal("std-1", metrics.GetProperty("metrics_version").GetString());
            Assert.Equal(JsonValueKind.Number, metrics.GetProperty("phi").ValueKind);
            Assert.Equal(2000, metrics.GetProperty("shots").GetInt32());
            Assert.NotEqual(JsonValueKind.Null, job.GetProperty("completed_at").ValueKind);
        }
    }

    [Fact]
    public async Task Submit_WritesTheQueuedJobAndItsTask_InOneGo()
    {
        TestUser r = await host.CreateUserAsync(Role.Researcher);
        JsonElement accepted = await (await r.Client.PostJsonAsync("/api/quantum/jobs", new { circuit = Ghz3, shots = 100, ideal = new Dictionary<string, double> { ["000"] = 1, ["111"] = 1 } }))
            .JsonAsync(HttpStatusCode.Accepted);
        Guid jobId = accepted.GetProperty("job_id").GetGuid();
        Guid taskId = accepted.GetProperty("task_id").GetGuid();

        JsonElement job = await (await r.Client.GetAsync($"/api/quantum/jobs/{jobId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(taskId, job.GetProperty("task_id").GetGuid());
        Assert.Equal("local", job.GetProperty("backend").GetString());
        Assert.Equal(3, job.GetProperty("num_qubits").GetInt32());
        Assert.Equal(100, job.GetProperty("shots").GetInt32());

        JsonElement task = await (await r.Client.GetAsync($"/api/tasks/{taskId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("quantum:execute", task.GetProperty("task_type").GetString());
        Assert.Equal(1, await CountAsync(host, "SELECT count(*) FROM task_queue WHERE task_id = $1 AND payload->>'job_id' = $2 AND (payload->'ideal'->>'000')::float8 = 0.5", taskId, jobId.ToString()));

        JsonElement list = await (await r.Client.GetAsync("/api/quantum/jobs?limit=10")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(jobId, list.GetProperty("jobs").EnumerateArray().Select(static j => j.GetProperty("job_id").GetGuid()));
    }

    [Fact]
    public async Task Cancel_QueuedJob_CancelsJobAndTask_ThenConflicts()
    {
        TestUser r = await host.CreateUserAsync(Role.Researcher);
        // Cancel at once: usually still queued; if a worker already finished it, cancelling is a 409.
        JsonElement accepted = await (await r.Client.PostJsonAsync("/api/quantum/jobs", new { circuit = Ghz3, shots = 10 })).JsonAsync(HttpStatusCode.Accepted);
        Guid jobId = accepted.GetProperty("job_id").GetGuid();
        HttpResponseMessage cancel = await r.Client.PostAsync($"/api/quantum/jobs/{jobId}/cancel", null);
        if (cancel.StatusCode == HttpStatusCode.OK)
        {
            JsonElement job = await cancel.JsonAsync(HttpStatusCode.OK);
            Assert.Equal("cancelled", job.GetProperty("status").GetString());
            Assert.Equal("cancelled", (await (await r.Client.GetAsync($"/api/tasks/{accepted.GetProperty("task_id").GetGuid()}")).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        }
        else
        {
            await cancel.AssertProblemAsync(HttpStatusCode.Conflict); // a worker finished it first
        }

        await (await r.Client.PostAsync($"/api/quantum/jobs/{jobId}/cancel", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Submit_WithoutExperimentsCreate_Is403_AndWritesNothing()
    {
        TestUser viewer = await host.CreateUserAsync(Role.Viewer);
        await (await viewer.Client.PostJsonAsync("/api/quantum/jobs", new { circuit = Ghz3, shots = 10 })).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, await RowsOfAsync(host, viewer));
    }

    public static TheoryData<string, string> BadSubmissions => new()
    {
        { """{"circuit": "OPENQASM 2.0; qreg q[1]; creg c[1]; h q[0]; measure q -> c;", "shots": 10""", "$" },
        { """[1, 2]""", "$" },
        { """{"shots": 10}""", "circuit" },
        { """{"circuit": 42, "shots": 10}""", "circuit" },
        { """{"circuit": "OPENQASM 2.0;\nqreg q[1];\ncreg c[1];\nhh q[0];", "shots": 10}""", "circuit" },
        { """{"circuit": "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;"}""", "shots" },
        { """{"circuit": "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;", "shots": "ten"}""", "shots" },
        { """{"circuit": "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;", "shots": -5}""", "shots" },
        { """{"circuit": "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;", "shots": 0}""", "shots" },
        { """{"circuit": "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;", "shots": 1.5}""", "shots" },
        { """{"circuit": "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;", "shots": 100001}""", "shots" },
        { """{"circuit": "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;", "shots": 10, "backend": "ibm_nowhere"}""", "backend" },
        { """{"circuit": "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;", "shots": 10, "session_id": "not-a-uuid"}""", "session_id" },
        { """{"circuit": "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;", "shots": 10, "seed": "x"}""", "seed" },
        { """{"circuit": "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;", "shots": 10, "ideal": {"0": -1}}""", "ideal" },
        { """{"circuit": "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;", "shots": 10, "ideal": {"01": 1}}""", "ideal" },
        { """{"circuit": "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;", "shots": 10, "ideal": {"0": 0}}""", "ideal" },
        { """{"circuit": "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;", "shots": 10, "ideal": [0.5]}""", "ideal" },
    };

    [Theory]
    [MemberData(nameof(BadSubmissions))]
    public async Task Submit_BadInput_Is400NamingTheField_AndWritesNothing(string json, string field)
    {
        TestUser r = await host.CreateUserAsync(Role.Researcher);
        await (await r.Client.PostRawAsync("/api/quantum/jobs", json)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await RowsOfAsync(host, r));
    }

    [Fact]
    public async Task Submit_InvalidQasm_SaysLineAndColumn()
    {
        TestUser r = await host.CreateUserAsync(Role.Researcher);
        string? message = await (await r.Client.PostJsonAsync("/api/quantum/jobs", new { circuit = "OPENQASM 2.0;\nqreg q[1];\ncreg c[1];\nhh q[0];\n", shots = 10 }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "circuit");
        Assert.StartsWith("4:1 ", message, StringComparison.Ordinal);
        Assert.Equal(0, await RowsOfAsync(host, r));
    }

    [Fact]
    public async Task Submit_ToAnotherUsersSession_Is404_AndWritesNothing()
    {
        TestUser a = await host.CreateUserAsync(Role.Researcher);
        TestUser b = await host.CreateUserAsync(Role.Researcher);
        Guid session = await CreateSessionAsync(a);
        await (await b.Client.PostJsonAsync("/api/quantum/jobs", new { circuit = Ghz3, shots = 10, session_id = session })).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await RowsOfAsync(host, b));
    }

    [Fact]
    public async Task Backends_ListLocalWithItsLimits()
    {
        TestUser u = await host.CreateUserAsync();
        JsonElement body = await (await u.Client.GetAsync("/api/quantum/backends")).JsonAsync(HttpStatusCode.OK);
        JsonElement local = body.GetProperty("backends").EnumerateArray().Single(static b => b.GetProperty("name").GetString() == "local");
        Assert.True(local.GetProperty("operational").GetBoolean());
        Assert.Equal(ApiHostFixture.LocalMaxShots, local.GetProperty("max_shots").GetInt32());
        Assert.True(local.GetProperty("simulator").GetBoolean());
    }
}
