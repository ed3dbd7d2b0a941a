using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Npgsql;
using QuantumLM.Abstractions.Security;
using QuantumLM.ReferenceHost.Tests.Api;
using static QuantumLM.ReferenceHost.Tests.Api.ApiTestKit;
using HostFixture = QuantumLM.ReferenceHost.Tests.Infrastructure.HostFixture;
using TestUser = QuantumLM.ReferenceHost.Tests.Infrastructure.TestUser;

namespace QuantumLM.ReferenceHost.Tests.Roles;

/// <summary>An API-only host (<c>--role api</c>): it queues work but runs none.</summary>
public sealed class ApiOnlyHostFixture : HostFixture
{
    protected override IEnumerable<string> ExtraArguments => ["--role", "api", "--QuantumLM:Http:RateLimit:Enabled", "false"];
}

/// <summary>
/// Scale-out as users run it: one <c>--role api</c> host and two <c>--role worker</c> OS processes of the built reference
/// host against one PostgreSQL. Every job is done exactly once, and a SIGTERM to one worker mid-run loses nothing.
/// </summary>
public sealed class ProcessRolesTests(ApiOnlyHostFixture host) : IClassFixture<ApiOnlyHostFixture>
{
    private static string HostDll()
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QuantumLM.sln")))
        {
            dir = dir.Parent;
        }

        string dll = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("QuantumLM.sln not found above the test binaries"),
            "samples", "ReferenceHost", "bin", "Release", "net10.0", "QuantumLM.ReferenceHost.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build the solution in Release first (./test.sh does)");
    }

    private Process StartWorker(string id)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[]
        {
            HostDll(), "--role", "worker", "--urls", "http://127.0.0.1:0",
            "--ConnectionStrings:QuantumLM", host.Database.AppConnectionString,
            "--QuantumLM:Worker:WorkerId", id, "--QuantumLM:Worker:Concurrency", "1", "--QuantumLM:Worker:BatchSize", "1",
            "--QuantumLM:Worker:PollInterval", "00:00:00.100", "--Logging:LogLevel:Default", "Warning",
        })
        {
            psi.ArgumentList.Add(a);
        }

        Process p = Process.Start(psi)!;
        p.OutputDataReceived += static (_, _) => { };
        p.ErrorDataReceived += static (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private async Task<Dictionary<Guid, string?>> WorkersOfAsync(IEnumerable<Guid> tasks)
    {
        await using var ds = NpgsqlDataSource.Create(host.Database.OwnerConnectionString);
        await using NpgsqlCommand cmd = ds.CreateCommand("SELECT task_id, worker_id FROM task_queue WHERE task_id = ANY($1) AND status = 'completed'");
        cmd.Parameters.AddWithValue(tasks.ToArray());
        var result = new Dictionary<Guid, string?>();
        await using NpgsqlDataReader r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            result[r.GetGuid(0)] = r.IsDBNull(1) ? null : r.GetString(1);
        }

        return result;
    }

    [Fact]
    public async Task TwoWorkerProcesses_ShareTheQueue_EveryJobOnce_AndASigtermedWorkerLosesNothing()
    {
        TestUser u = await host.CreateUserAsync(Role.Researcher);
        Guid session = await CreateSessionAsync(u);
        const string ghz = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\nmeasure q -> c;\n";
        var jobs = new List<(Guid Job, Guid Task)>();
        for (int i = 0; i < 30; i++)
        {
            JsonElement a = await (await u.Client.PostJsonAsync("/api/quantum/jobs", new { circuit = ghz, shots = 200, seed = i, session_id = session })).JsonAsync(HttpStatusCode.Accepted);
            jobs.Add((a.GetProperty("job_id").GetGuid(), a.GetProperty("task_id").GetGuid()));
        }

        // The API-only host runs nothing by itself.
        await Task.Delay(500);
        Assert.Empty(await WorkersOfAsync(jobs.Select(static j => j.Task)));

        using Process w1 = StartWorker("proc-w1");
        using Process w2 = StartWorker("proc-w2");
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            bool terminated = false;
            Dictionary<Guid, string?> done = [];
            while (DateTime.UtcNow < deadline)
            {
                done = await WorkersOfAsync(jobs.Select(static j => j.Task));
                if (!terminated && done.Count >= 6 && done.ContainsValue("proc-w1"))
                {
                    // Graceful shutdown of one worker while work remains.
                    using Process kill = Process.Start("kill", ["-TERM", w1.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
                    await kill.WaitForExitAsync();
                    terminated = true;
                }

                if (done.Count == jobs.Count)
                {
                    break;
                }

                await Task.Delay(200);
            }

            Assert.True(terminated, "worker 1 never took a job before the others finished");
            Assert.Equal(jobs.Count, done.Count);
            Assert.True(await w1.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the SIGTERMed worker did not stop");
            Assert.Equal(0, w1.ExitCode);
            Assert.True(done.ContainsValue("proc-w2"), "worker 2 took no job");

            foreach ((Guid job, _) in jobs)
            {
                JsonElement j = await (await u.Client.GetAsync($"/api/quantum/jobs/{job}")).JsonAsync(HttpStatusCode.OK);
                Assert.Equal("completed", j.GetProperty("status").GetString());
                Assert.Equal(200, j.GetProperty("counts").EnumerateObject().Sum(static p => p.Value.GetInt32()));
            }

            // Exactly once: one quantum_counts event per task, read as the owner of the session would.
            JsonElement page = await (await u.Client.GetAsync($"/api/arena/events?session_id={session}&limit=1000")).JsonAsync(HttpStatusCode.OK);
            Guid[] countedTasks = [.. page.GetProperty("events").EnumerateArray()
                .Where(static e => e.GetProperty("event_type").GetString() == "quantum_counts")
                .Select(static e => e.GetProperty("task_id").GetGuid())];
            Assert.Equal(jobs.Select(static j => j.Task).Order(), countedTasks.Order());
        }
        finally
        {
            foreach (Process p in new[] { w1, w2 })
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync();
                }
            }
        }
    }
}

internal static class ProcessExtensions
{
    public static async Task<bool> WaitForExitAsync(this Process p, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
