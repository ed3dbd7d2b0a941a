using System.Net;
using System.Text.Json;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Abstractions.Security;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Tests.Infrastructure;

namespace QuantumLM.ReferenceHost.Tests;

public sealed class OperatorStatsTests(HostFixture host) : IClassFixture<HostFixture>
{
    [Theory]
    [InlineData(Role.Viewer)]
    [InlineData(Role.Researcher)]
    public async Task Stats_ForOtherRoles_Is403(Role role)
    {
        TestUser user = await host.CreateUserAsync(role);
        using HttpResponseMessage response = await user.Client.GetAsync("/api/operator/stats");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Stats_WithoutToken_Is401()
    {
        using HttpClient client = host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/operator/stats")).StatusCode);
    }

    [Theory]
    [InlineData("window_hours=0", "window_hours")]
    [InlineData("window_hours=abc", "window_hours")]
    [InlineData("failures=1001", "failures")]
    public async Task Stats_BadQuery_Is400NamingTheParameter(string query, string field)
    {
        TestUser op = await host.CreateUserAsync(Role.Operator);
        using HttpResponseMessage response = await op.Client.GetAsync("/api/operator/stats?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Stats_ForAnOperator_CountTheWholePlatform()
    {
        // Another user's jobs on a backend of this test's own, and pending tasks of a type of its own (scheduled a day
        // ahead, so that no worker claims them): the operator sees them although they are not theirs.
        TestUser owner = await host.CreateUserAsync(Role.Researcher);
        string backend = "opstats-" + Guid.NewGuid().ToString("N")[..8];
        string taskType = "opstats:probe" + Guid.NewGuid().ToString("N")[..6];
        var service = DbIdentity.ForService("tests");
        IQuantumJobStore jobs = host.App.Services.GetRequiredService<IQuantumJobStore>();
        var ids = new List<JobId>();
        for (int i = 0; i < 3; i++)
        {
            QuantumJobRecord job = await jobs.CreateAsync(service, new NewQuantumJob
            {
                UserId = owner.Id, Backend = backend, CircuitQasm = "OPENQASM 2.0;", Shots = 10, Status = "queued",
            });
            ids.Add(job.JobId);
        }

        JsonElement counts = JsonDocument.Parse("""{"0": 10}""").RootElement;
        Assert.NotNull(await jobs.FinishAsync(service, ids[0], "completed", counts, null, null));
        Assert.NotNull(await jobs.FinishAsync(service, ids[1], "completed", counts, null, null));
        Assert.NotNull(await jobs.FinishAsync(service, ids[2], "failed", null, null, "boom"));

        ITransactionalTaskQueue queue = host.App.Services.GetRequiredService<ITransactionalTaskQueue>();
        DateTimeOffset tomorrow = TimeProvider.System.GetUtcNow().AddDays(1);
        for (int i = 0; i < 2; i++)
        {
            await queue.EnqueueAsync(service, new NewAgentTask
            {
                TaskType = TaskType.Parse(taskType), Payload = JsonDocument.Parse("{}").RootElement, ScheduledAt = tomorrow,
            });
        }

        TestUser op = await host.CreateUserAsync(Role.Operator);
        using JsonDocument stats = JsonDocument.Parse(await op.Client.GetStringAsync("/api/operator/stats?window_hours=1&failures=5"));
        JsonElement root = stats.RootElement;
        Assert.Equal(1, root.GetProperty("window_hours").GetInt32());

        JsonElement b = root.GetProperty("backends").EnumerateArray().Single(x => x.GetProperty("backend").GetString() == backend);
        Assert.Equal(3, b.GetProperty("total").GetInt64());
        Assert.Equal(2, b.GetProperty("completed").GetInt64());
        Assert.Equal(1, b.GetProperty("failed").GetInt64());
        Assert.Equal(0, b.GetProperty("open").GetInt64());
        Assert.Equal(2.0 / 3.0, b.GetProperty("success_rate").GetDouble(), 12);

        JsonElement q = root.GetProperty("queue").EnumerateArray().Single(x => x.GetProperty("task_type").GetString() == taskType);
        Assert.Equal("pending", q.GetProperty("status").GetString());
        Assert.Equal(2, q.GetProperty("count").GetInt64());
        Assert.True(root.GetProperty("queue_by_status").GetProperty("pending").GetInt64() >= 2);
        Assert.True(root.GetProperty("recent_failures").GetArrayLength() <= 5);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("workers").ValueKind);
    }

    [Fact]
    public async Task Stats_ForAnAdmin_Is200()
    {
        TestUser admin = await host.CreateUserAsync(Role.Admin);
        using HttpResponseMessage response = await admin.Client.GetAsync("/api/operator/stats");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
