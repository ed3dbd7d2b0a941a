using System.Net;
using System.Text.Json;
using Npgsql;
using QuantumLM.Abstractions.Security;
using static QuantumLM.ReferenceHost.Tests.Api.ApiTestKit;
using TestUser = QuantumLM.ReferenceHost.Tests.Infrastructure.TestUser;

namespace QuantumLM.ReferenceHost.Tests.Api;

public sealed class JobListCacheTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    private const string Ghz3 = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\nmeasure q -> c;\n";

    /// <summary>Writes a job row behind the API's back (as a service, committed), so only a fresh read can see it.</summary>
    private async Task<Guid> InsertJobAsync(TestUser user, string status)
    {
        await using var conn = new NpgsqlConnection(host.Database.AppConnectionString);
        await conn.OpenAsync();
        await using NpgsqlTransaction tx = await conn.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand("""SELECT set_config('role', 'quantumlm_service', true), set_config('request.jwt.claims', '{"service":"tests"}', true)""", conn, tx))
        {
            await set.ExecuteNonQueryAsync();
        }

        await using var cmd = new NpgsqlCommand("""
            INSERT INTO quantum_jobs (user_id, backend, circuit_qasm, shots, status, counts, completed_at)
            VALUES ($1, 'local', 'OPENQASM 2.0;', 10, $2, CASE WHEN $2 = 'completed' THEN '{"0": 10}'::jsonb END, CASE WHEN $2 = 'completed' THEN now() END)
            RETURNING job_id
            """, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = user.Id.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = status });
        var id = (Guid)(await cmd.ExecuteScalarAsync())!;
        await tx.CommitAsync();
        return id;
    }

    private static async Task<Guid[]> ListAsync(TestUser u) =>
        [.. (await (await u.Client.GetAsync("/api/quantum/jobs")).JsonAsync(HttpStatusCode.OK)).GetProperty("jobs").EnumerateArray().Select(static j => j.GetProperty("job_id").GetGuid())];

    private static async Task<Guid> SubmitAndWaitAsync(TestUser u)
    {
        Guid job = (await (await u.Client.PostJsonAsync("/api/quantum/jobs", new { circuit = Ghz3, shots = 50 })).JsonAsync(HttpStatusCode.Accepted)).GetProperty("job_id").GetGuid();
        for (int i = 0; i < 300; i++)
        {
            JsonElement j = await (await u.Client.GetAsync($"/api/quantum/jobs/{job}")).JsonAsync(HttpStatusCode.OK);
            if (j.GetProperty("status").GetString() == "completed")
            {
                return job;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"job {job} did not complete");
    }

    [Fact]
    public async Task AListOfFinalJobs_IsServedFromTheCache_UntilTheUserSubmitsAgain()
    {
        TestUser u = await host.CreateUserAsync(Role.Researcher);
        Guid first = await SubmitAndWaitAsync(u);
        Assert.Equal([first], await ListAsync(u)); // all final: kept

        Guid behindTheBack = await InsertJobAsync(u, "completed");
        Assert.Equal([first], await ListAsync(u)); // still the kept list

        Guid second = (await (await u.Client.PostJsonAsync("/api/quantum/jobs", new { circuit = Ghz3, shots = 50 })).JsonAsync(HttpStatusCode.Accepted)).GetProperty("job_id").GetGuid();
        Guid[] after = await ListAsync(u); // the submission invalidated it
        Assert.Contains(first, after);
        Assert.Contains(behindTheBack, after);
        Assert.Contains(second, after);
    }

    [Fact]
    public async Task AListWithAnUnfinishedJob_IsAlwaysReadFresh()
    {
        TestUser u = await host.CreateUserAsync(Role.Researcher);
        Guid queued = await InsertJobAsync(u, "queued");
        Assert.Equal([queued], await ListAsync(u));
        Guid another = await InsertJobAsync(u, "completed");
        Guid[] now = await ListAsync(u);
        Assert.Contains(queued, now);
        Assert.Contains(another, now);
    }

    [Fact]
    public async Task CachedLists_AreNeverSharedBetweenUsers()
    {
        TestUser a = await host.CreateUserAsync(Role.Researcher);
        TestUser b = await host.CreateUserAsync(Role.Researcher);
        Guid ja = await SubmitAndWaitAsync(a);
        Assert.Equal([ja], await ListAsync(a));
        Assert.Empty(await ListAsync(b));
    }
}
