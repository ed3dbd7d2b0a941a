using System.Text.Json.Nodes;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Ibm;
using QuantumLM.Quantum.Tests.Ibm.FakeRuntime;

namespace QuantumLM.Quantum.Tests.Ibm;

public sealed class IbmRuntimeClientTests
{
    private static IbmSamplerJobRequest Bell(int shots = 4, params string[] tags) => new("ibm_fez", [new IbmSamplerPub(IbmHarness.BellQasm, shots)]) { Tags = tags };

    [Fact]
    public async Task Requests_CarryAuthCrnVersionAndAcceptHeaders()
    {
        await using var h = await IbmHarness.StartAsync();
        await h.Client.GetBackendsAsync();
        var versions = await h.Client.GetVersionsAsync();
        var op = await h.Client.StartJobAsync(Bell());
        await op.WaitForCompletionAsync();

        Assert.Contains("2026-04-15", versions);
        string token = Assert.Single(h.Server.IssuedTokens);
        foreach (var r in h.Server.Requests.Where(r => r.Path.StartsWith("/api/v1/", StringComparison.Ordinal) && r.Path != "/api/v1/versions"))
        {
            Assert.Equal($"Bearer {token}", r.Authorization);
            Assert.Equal(FakeIbmRuntimeServer.DefaultCrn, r.ServiceCrn);
            Assert.Equal("2026-04-15", r.ApiVersion);
            Assert.Contains("application/json", r.Accept, StringComparison.Ordinal);
        }

        var v = Assert.Single(h.Server.RequestsTo("GET", "/api/v1/versions"));
        Assert.Null(v.ServiceCrn);
        Assert.Null(v.ApiVersion);
        var post = Assert.Single(h.Server.RequestsTo("POST", "/api/v1/jobs"));
        Assert.StartsWith("application/json", post.ContentType, StringComparison.Ordinal);
        var iam = Assert.Single(h.Server.RequestsTo("POST", "/identity/token"));
        Assert.StartsWith("application/x-www-form-urlencoded", iam.ContentType, StringComparison.Ordinal);
        Assert.Contains("grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey", iam.Body, StringComparison.Ordinal);
        Assert.Contains("response_type=cloud_iam", iam.Body, StringComparison.Ordinal);
        Assert.Null(iam.Authorization);
    }

    [Fact]
    public async Task StartJob_SendsSamplerV2Body_WithThreeElementPubsVersion2AndClientTag()
    {
        await using var h = await IbmHarness.StartAsync(o => o.SupportQiskit = true);
        await h.Client.StartJobAsync(Bell(4, "demo"));
        var body = JsonNode.Parse(Assert.Single(h.Server.RequestsTo("POST", "/api/v1/jobs")).Body!)!;
        Assert.Equal("sampler", body["program_id"]!.GetValue<string>());
        Assert.Equal("ibm_fez", body["backend"]!.GetValue<string>());
        var pub = body["params"]!["pubs"]![0]!.AsArray();
        Assert.Equal(3, pub.Count);
        Assert.Equal(IbmHarness.BellQasm, pub[0]!.GetValue<string>());
        Assert.Null(pub[1]);
        Assert.Equal(4, pub[2]!.GetValue<int>());
        Assert.Equal(2, body["params"]!["version"]!.GetValue<int>());
        Assert.True(body["params"]!["support_qiskit"]!.GetValue<bool>());
        var tags = body["tags"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.Contains("demo", tags);
        Assert.Single(tags, t => t.StartsWith("qlm-submit-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartJob_WithParameterValues_SendsThemInThePub()
    {
        await using var h = await IbmHarness.StartAsync();
        var pubs = new[]
        {
            new IbmSamplerPub(IbmHarness.BellQasm, 8) { ParameterValues = [1.5, 2.0] },
            new IbmSamplerPub(IbmHarness.BellQasm) { NamedParameterValues = new Dictionary<string, double> { ["theta"] = 1.57 } },
        };
        await h.Client.StartJobAsync(new IbmSamplerJobRequest("ibm_fez", pubs) { DefaultShots = 100, MaxExecutionTime = TimeSpan.FromMinutes(5) });
        var body = JsonNode.Parse(h.Server.RequestsTo("POST", "/api/v1/jobs")[0].Body!)!;
        Assert.Equal("[1.5,2]", body["params"]!["pubs"]![0]![1]!.ToJsonString());
        Assert.Equal("{\"theta\":1.57}", body["params"]!["pubs"]![1]![1]!.ToJsonString());
        Assert.Null(body["params"]!["pubs"]![1]![2]);
        Assert.Equal(100, body["params"]!["shots"]!.GetValue<int>());
        Assert.Equal(300, body["cost"]!.GetValue<int>());
        Assert.False(body["params"]!["support_qiskit"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task JobLifecycle_PollsUntilCompletedAndDecodesCounts(bool supportQiskit)
    {
        await using var h = await IbmHarness.StartAsync(o => o.SupportQiskit = supportQiskit, setup: s => { s.QueuedPolls = 2; s.RunningPolls = 2; });
        var op = await h.Client.StartJobAsync(Bell(6));
        Assert.False(op.HasCompleted);
        var result = await op.WaitForCompletionAsync();

        Assert.Equal(QuantumJobStatus.Completed, op.Status);
        Assert.True(op.HasCompleted);
        Assert.Equal(6, result.Shots);
        Assert.Equal(3, result.Counts["00"]);
        Assert.Equal(3, result.Counts["11"]);
        Assert.Equal(2, result.Counts.Count);
        Assert.Equal(TimeSpan.FromSeconds(2), result.ExecutionTime);
        var polls = h.Server.RequestsTo("GET", $"/api/v1/jobs/{op.Id}");
        Assert.Equal(5, polls.Count); // 2 queued + 2 running + 1 completed
        Assert.All(polls, p => Assert.Contains("exclude_params=true", p.Query, StringComparison.Ordinal));
        Assert.Single(h.Server.RequestsTo("GET", $"/api/v1/jobs/{op.Id}/results"));
        var decoded = await op.GetResultAsync();
        Assert.Equal(supportQiskit ? IbmResultEncoding.Qiskit : IbmResultEncoding.PlainJson, decoded.Encoding);
        Assert.Single(h.Server.RequestsTo("GET", $"/api/v1/jobs/{op.Id}/results")); // cached
    }

    [Theory]
    [InlineData("Failed", null, 1517, QuantumLmErrorCodes.JobFailed)]
    [InlineData("Cancelled", "Cancelled - Ran too long", 1305, QuantumLmErrorCodes.JobFailed)]
    [InlineData("Cancelled", null, null, QuantumLmErrorCodes.JobCancelled)]
    public async Task JobLifecycle_UnsuccessfulJob_ThrowsJobExceptionWithReason(string final, string? top, int? reasonCode, string expectedCode)
    {
        await using var h = await IbmHarness.StartAsync(setup: s => s.Outcome = _ => new JobOutcome(final, reasonCode, reasonCode is null ? null : "RAN TOO LONG", top));
        var op = await h.Client.StartJobAsync(Bell());
        var ex = await Assert.ThrowsAsync<IbmJobException>(() => op.WaitForCompletionAsync());
        Assert.Equal(expectedCode, ex.ErrorCode);
        Assert.Equal(reasonCode, ex.ReasonCode);
        Assert.Equal(op.Id, ex.JobId);
        Assert.Contains(op.Id, ex.Message, StringComparison.Ordinal);
        Assert.Equal(expectedCode == QuantumLmErrorCodes.JobFailed ? QuantumJobStatus.Failed : QuantumJobStatus.Cancelled, op.Status);
        Assert.Empty(h.Server.RequestsTo("GET", $"/api/v1/jobs/{op.Id}/results"));
    }

    [Fact]
    public async Task WaitForCompletion_Cancelled_StopsWaitingWithOperationCanceled_AndTheJobKeepsRunning()
    {
        await using var h = await IbmHarness.StartAsync(setup: s => s.QueuedPolls = 1_000_000);
        var op = await h.Client.StartJobAsync(Bell());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => op.WaitForCompletionAsync(cts.Token));
        Assert.True(h.Server.RequestsTo("GET", $"/api/v1/jobs/{op.Id}").Count >= 2);
        Assert.Equal("Queued", h.Server.Jobs[op.Id].Status);
        Assert.Empty(h.Server.RequestsTo("POST", $"/api/v1/jobs/{op.Id}/cancel"));

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Client.StartJobAsync(Bell(), cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Client.GetBackendsAsync(cancelled.Token));
    }

    [Fact]
    public async Task Cancel_ThenCancelAgain_IsConflict()
    {
        await using var h = await IbmHarness.StartAsync(setup: s => s.QueuedPolls = 100);
        var op = await h.Client.StartJobAsync(Bell());
        await op.CancelAsync();
        Assert.Equal(QuantumJobStatus.Cancelled, await op.UpdateStatusAsync());
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => op.CancelAsync());
        Assert.Equal(QuantumLmErrorCodes.Conflict, ex.ErrorCode);
        Assert.Equal(409, ex.StatusCode);
        Assert.Equal("1240", ex.ServiceErrorCode);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task Reattach_ByIdInNewOperation_WaitsForTheSameJob()
    {
        await using var h = await IbmHarness.StartAsync();
        var first = await h.Client.StartJobAsync(Bell());
        var again = new IbmJobOperation(h.Client, first.Id);
        var result = await again.WaitForCompletionAsync();
        Assert.Equal(4, result.Shots);
        Assert.Equal("ibm_fez", again.BackendName);
        var attached = await h.Client.GetJobOperationAsync(first.Id);
        Assert.Equal(QuantumJobStatus.Completed, attached.Status);
        Assert.Single(h.Server.Jobs);
    }

    [Fact]
    public async Task GetJob_Unknown_IsNotFoundWithServiceCode()
    {
        await using var h = await IbmHarness.StartAsync();
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => h.Client.GetJobOperationAsync("nope"));
        Assert.Equal(QuantumLmErrorCodes.NotFound, ex.ErrorCode);
        Assert.Equal(404, ex.StatusCode);
        Assert.Equal("1291", ex.ServiceErrorCode);
        Assert.Equal("Job not found. Job ID: nope", ex.ServiceMessage);
        Assert.NotNull(ex.RequestTrace);
        Assert.Single(h.Server.RequestsTo("GET", "/api/v1/jobs/nope")); // 404 is not retried
    }

    [Fact]
    public async Task ListJobs_PagesAndFilters()
    {
        await using var h = await IbmHarness.StartAsync();
        for (int i = 0; i < 5; i++)
        {
            await h.Client.StartJobAsync(Bell(4, i % 2 == 0 ? "even" : "odd"));
        }

        var page = await h.Client.GetJobsAsync(new IbmJobQuery { Limit = 2 });
        Assert.Equal(2, page.Jobs.Count);
        Assert.Equal(5, page.TotalCount);
        var all = new List<IbmJob>();
        await foreach (var job in h.Client.GetAllJobsAsync(new IbmJobQuery { Limit = 2, NewestFirst = false }))
        {
            all.Add(job);
        }

        Assert.Equal(h.Server.Jobs.Keys.Order(StringComparer.Ordinal), all.Select(j => j.Id));
        Assert.Equal(3, h.Server.RequestsTo("GET", "/api/v1/jobs").Count(r => r.Query.Contains("sort=ASC", StringComparison.Ordinal)));
        var even = await h.Client.GetJobsAsync(new IbmJobQuery { Tags = ["even"], Backend = "ibm_fez", Pending = true });
        Assert.Equal(3, even.TotalCount);
        Assert.All(even.Jobs, j => Assert.Contains("even", j.Tags));
        Assert.All(even.Jobs, j => Assert.Equal(QuantumJobStatus.Queued, j.Status));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.Client.GetJobsAsync(new IbmJobQuery { Limit = 0 }));
    }

    [Fact]
    public async Task Tags_Metrics_Delete()
    {
        await using var h = await IbmHarness.StartAsync();
        var op = await h.Client.StartJobAsync(Bell());
        await op.WaitForCompletionAsync();
        await h.Client.SetJobTagsAsync(op.Id, ["x", "y"]);
        Assert.Equal(["x", "y"], (await h.Client.GetJobAsync(op.Id)).Tags);
        var metrics = await h.Client.GetJobMetricsAsync(op.Id);
        Assert.Equal(2.5, metrics.QpuChargeTimeSeconds);
        Assert.Equal("final", metrics.UsageStatus);
        Assert.NotNull(metrics.Finished);
        await h.Client.DeleteJobAsync(op.Id);
        Assert.Empty(h.Server.Jobs);
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => h.Client.DeleteJobAsync(op.Id));
        Assert.Equal(QuantumLmErrorCodes.NotFound, ex.ErrorCode);
    }

    [Fact]
    public async Task Backends_StatusConfigurationPropertiesAndUsage()
    {
        await using var h = await IbmHarness.StartAsync();
        var backends = await h.Client.GetBackendsAsync();
        Assert.Equal(["ibm_fez", "ibm_torino", "ibm_marrakesh"], backends.Select(b => b.Name));
        var fez = backends[0];
        Assert.True(fez.IsOnline);
        Assert.Equal(156, fez.QubitCount);
        Assert.Equal(24, fez.QueueLength);
        Assert.Equal("Heron", fez.ProcessorFamily);
        Assert.Equal(195000, fez.Clops);
        Assert.False(backends[2].IsOnline);
        Assert.Equal("maintenance", backends[2].StatusReason);

        var status = await h.Client.GetBackendStatusAsync("ibm_fez");
        Assert.Equal(new IbmBackendStatus("ibm_fez", true, "active", "available", 24, "1.2.8"), status);
        var maintenance = await h.Client.GetBackendStatusAsync("ibm_marrakesh");
        Assert.False(maintenance.IsOperational);
        Assert.Equal("0.0.0", maintenance.BackendVersion);

        var config = await h.Client.GetBackendConfigurationAsync("ibm_torino");
        Assert.Equal(133, config.QubitCount);
        Assert.Equal(["cz", "id", "rz", "sx", "x"], config.BasisGates);
        Assert.Contains("measure", config.SupportedInstructions);
        Assert.Equal(2 * 132, config.CouplingMap.Count);
        Assert.Contains(new IbmQubitPair(1, 0), config.CouplingMap);
        Assert.Equal(100000, config.MaxShots);

        var props = await h.Client.GetBackendPropertiesAsync("ibm_fez", new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal("ibm_fez", props.Name);
        Assert.Equal(3, props.Qubits.Count);
        Assert.Equal(101.0, props.Qubits[1].T1Microseconds);
        Assert.Equal(81.0, props.Qubits[1].T2Microseconds);
        Assert.Equal(0.02, props.Qubits[1].ReadoutError);
        Assert.Equal(1.56, props.Qubits[0].ReadoutLengthMicroseconds!.Value, 9);
        var cz = Assert.Single(props.Gates);
        Assert.Equal([0, 1], cz.Qubits);
        Assert.Equal(0.0279, cz.Error);
        Assert.Equal(0.084, cz.LengthMicroseconds!.Value, 9);
        Assert.Contains("updated_before=2025-03-01T00%3A00%3A00.000Z", Assert.Single(h.Server.RequestsTo("GET", "/api/v1/backends/ibm_fez/properties")).Query, StringComparison.Ordinal);

        var usage = await h.Client.GetUsageAsync();
        Assert.Equal(6000, usage.ConsumedSeconds);
        Assert.Equal(84000, usage.RemainingSeconds);
        Assert.False(usage.LimitReached);

        var missing = await Assert.ThrowsAsync<IbmRuntimeException>(() => h.Client.GetBackendStatusAsync("ibm_nowhere"));
        Assert.Equal(QuantumLmErrorCodes.NotFound, missing.ErrorCode);
    }

    [Fact]
    public async Task Sessions_CreateReadCloseCancel()
    {
        await using var h = await IbmHarness.StartAsync();
        var session = await h.Client.CreateSessionAsync("ibm_fez", IbmSessionMode.Batch, TimeSpan.FromHours(1));
        Assert.Equal("batch", session.Mode);
        Assert.Equal(TimeSpan.FromHours(1), session.MaxTtl);
        var body = JsonNode.Parse(Assert.Single(h.Server.RequestsTo("POST", "/api/v1/sessions")).Body!)!;
        Assert.Equal(FakeIbmRuntimeServer.DefaultCrn, body["instance"]!.GetValue<string>());
        Assert.Equal(3600, body["max_ttl"]!.GetValue<int>());

        var op = await h.Client.StartJobAsync(Bell() with { SessionId = session.Id });
        Assert.Equal(session.Id, (await h.Client.GetJobAsync(op.Id)).SessionId);

        await h.Client.CloseSessionAsync(session.Id);
        var closed = await h.Client.GetSessionAsync(session.Id);
        Assert.False(closed.AcceptingJobs);
        Assert.Equal("{\"accepting_jobs\":false}", Assert.Single(h.Server.RequestsTo("PATCH", $"/api/v1/sessions/{session.Id}")).Body);
        await h.Client.CancelSessionAsync(session.Id);
        Assert.Equal("closed", (await h.Client.GetSessionAsync(session.Id)).State);

        await h.Client.CloseSessionAsync("gone"); // 404 on close is not an error
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => h.Client.CancelSessionAsync("gone"));
        Assert.Equal(QuantumLmErrorCodes.NotFound, ex.ErrorCode);
    }

    [Theory]
    [InlineData("/api/v1/backends", "{not json")]
    [InlineData("/api/v1/backends", "{\"devices\": 42}")]
    [InlineData("/api/v1/backends", "[1, 2, 3]")]
    [InlineData("/api/v1/instances/usage", "{\"usage_consumed_seconds\": \"lots\"}")]
    public async Task MalformedServiceJson_IsANonTransientServiceError(string path, string body)
    {
        await using var h = await IbmHarness.StartAsync();
        h.Server.AddFault(new Fault { Method = "GET", PathPattern = path, Kind = FaultKind.Garbage, Body = body });
        Task call = path.EndsWith("usage", StringComparison.Ordinal) ? h.Client.GetUsageAsync() : h.Client.GetBackendsAsync();
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => call);
        Assert.Equal(QuantumLmErrorCodes.ServiceError, ex.ErrorCode);
        Assert.False(ex.IsTransient);
        Assert.Contains("expected shape", ex.Message, StringComparison.Ordinal);
        Assert.Single(h.Server.RequestsTo("GET", path));
    }

    [Fact]
    public async Task MalformedResultPayload_FailsTheOperationWithThePath()
    {
        await using var h = await IbmHarness.StartAsync();
        var op = await h.Client.StartJobAsync(Bell());
        h.Server.AddFault(new Fault { Method = "GET", PathPattern = $"/api/v1/jobs/{op.Id}/results", Kind = FaultKind.Garbage, Body = "{\"results\": [{\"data\": {\"c\": {\"samples\": [\"0x9\"], \"num_bits\": 2}}}]}" });
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => op.WaitForCompletionAsync());
        Assert.Contains("results[0].data.c.samples[0]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartJob_UnknownBackend_IsNotFoundAndNotRetried()
    {
        await using var h = await IbmHarness.StartAsync();
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => h.Client.StartJobAsync(new IbmSamplerJobRequest("ibm_nowhere", [new IbmSamplerPub(IbmHarness.BellQasm, 4)])));
        Assert.Equal(QuantumLmErrorCodes.NotFound, ex.ErrorCode);
        Assert.Single(h.Server.RequestsTo("POST", "/api/v1/jobs"));
        Assert.Empty(h.Server.RequestsTo("GET", "/api/v1/jobs"));
    }

    [Theory]
    [InlineData("Queued", null, null, "QUEUED")]
    [InlineData("Running", null, null, "RUNNING")]
    [InlineData("Completed", null, null, "COMPLETED")]
    [InlineData("Failed", null, 1517, "FAILED")]
    [InlineData("Cancelled", "Cancelled", null, "CANCELLED")]
    [InlineData("Cancelled", "Cancelled", 1305, "FAILED")]
    [InlineData("Cancelled", "Cancelled - Ran too long", null, "FAILED")]
    [InlineData(null, "Running", null, "RUNNING")]
    [InlineData("Paused", null, null, "PAUSED")]
    public void StatusMapping_FollowsTheServiceAndReasonCodes(string? state, string? top, int? reason, string expected)
    {
        var status = QuantumLM.Quantum.Ibm.Internal.IbmMapping.MapStatus(state, top, reason);
        Assert.Equal(new QuantumJobStatus(expected), status);
    }

    [Fact]
    public async Task WaitForFinalState_PollIntervalGrowsToTheCap_OnTheTimeProvider()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var h = await IbmHarness.StartAsync(
            o => { o.PollInterval = TimeSpan.FromSeconds(1); o.MaxPollInterval = TimeSpan.FromSeconds(4); },
            timeProvider: time,
            setup: s => { s.QueuedPolls = 4; s.RunningPolls = 1; });
        var op = await h.Client.StartJobAsync(Bell());
        string path = $"/api/v1/jobs/{op.Id}";
        var wait = op.WaitForFinalStateAsync();
        var pollTimes = new List<DateTimeOffset>();
        var step = TimeSpan.FromMilliseconds(100);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!wait.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
            while (pollTimes.Count < h.Server.RequestsTo("GET", path).Count)
            {
                pollTimes.Add(time.GetUtcNow());
            }

            time.Advance(step);
        }

        var job = await wait;
        Assert.Equal(QuantumJobStatus.Completed, job.Status);
        Assert.Equal(6, pollTimes.Count); // 4 queued + 1 running + 1 completed
        var gaps = pollTimes.Zip(pollTimes.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
        double[] expected = [1, 2, 4, 4, 4];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.InRange(gaps[i], expected[i] - 0.15, expected[i] * 1.5); // one 100 ms step of slack below; client latency above
        }
    }

    [Fact]
    public void PollInterval_DoublesUpToTheCap()
    {
        var cap = TimeSpan.FromSeconds(2);
        var seq = new List<TimeSpan> { TimeSpan.FromSeconds(0.5) };
        for (int i = 0; i < 4; i++)
        {
            seq.Add(IbmJobOperation.NextPollInterval(seq[^1], cap));
        }

        Assert.Equal([0.5, 1, 2, 2, 2], seq.Select(t => t.TotalSeconds));
    }
}
