using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using QuantumLM.Abstractions;
using QuantumLM.Quantum.Ibm;
using QuantumLM.Quantum.Tests.Ibm.FakeRuntime;

namespace QuantumLM.Quantum.Tests.Ibm;

/// <summary>Retries, non-retries, the no-double-submission rule and token handling, asserted from the requests the fake server logged.</summary>
public sealed class IbmResilienceTests
{
    private static IbmSamplerJobRequest Bell() => new("ibm_fez", [new IbmSamplerPub(IbmHarness.BellQasm, 4)]);

    private static int RetryLogs(IbmHarness h) => h.Logs.GetSnapshot().Count(r => r.Id.Id == 3000);

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(520)]
    [InlineData(521)]
    [InlineData(522)]
    [InlineData(524)]
    public async Task IdempotentGet_ForcelistBurst_IsRetriedAndSucceeds(int status)
    {
        await using var h = await IbmHarness.StartAsync();
        using var retries = new MetricCollector<long>(QuantumTelemetry.Meter, "quantumlm.ibm.retries");
        h.Server.AddFault(new Fault { Method = "GET", PathPattern = "/api/v1/backends", Kind = FaultKind.Status, Status = status, Remaining = 3 });
        var backends = await h.Client.GetBackendsAsync();
        Assert.Equal(3, backends.Count);
        Assert.Equal(4, h.Server.RequestsTo("GET", "/api/v1/backends").Count);
        Assert.Equal(3, RetryLogs(h));
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 3000 && r.Message.Contains($"HTTP {status}", StringComparison.Ordinal));
        Assert.True(retries.GetMeasurementSnapshot().Count(m => Equals(m.Tags["reason"], $"HTTP {status}")) >= 3);
    }

    [Fact]
    public async Task IdempotentGet_PersistentFailure_GivesUpAfterMaxRetriesAsTransient()
    {
        await using var h = await IbmHarness.StartAsync(o => o.MaxRetries = 3);
        h.Server.AddFault(new Fault { Method = "GET", PathPattern = "/api/v1/instances/usage", Kind = FaultKind.Status, Status = 503, Remaining = 100 });
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => h.Client.GetUsageAsync());
        Assert.True(ex.IsTransient);
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal(QuantumLmErrorCodes.ServiceError, ex.ErrorCode);
        Assert.Contains("maintenance", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, h.Server.RequestsTo("GET", "/api/v1/instances/usage").Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(501)]
    public async Task NonTransientStatus_IsNotRetried(int status)
    {
        await using var h = await IbmHarness.StartAsync();
        h.Server.AddFault(new Fault { Method = "GET", PathPattern = "/api/v1/backends", Kind = FaultKind.Status, Status = status, Remaining = 5 });
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => h.Client.GetBackendsAsync());
        Assert.Equal(status, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.Single(h.Server.RequestsTo("GET", "/api/v1/backends"));
        Assert.Equal(0, RetryLogs(h));
    }

    [Fact]
    public async Task Http429_WithRetryAfter_WaitsTheAskedTime()
    {
        await using var h = await IbmHarness.StartAsync();
        h.Server.AddFault(new Fault { Method = "GET", PathPattern = "/api/v1/backends/ibm_fez/status", Kind = FaultKind.Status, Status = 429, RetryAfter = "1" });
        await h.Client.GetBackendStatusAsync("ibm_fez");
        var requests = h.Server.RequestsTo("GET", "/api/v1/backends/ibm_fez/status");
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(900), $"retried after {(requests[1].At - requests[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Http429_WithoutRetryAfter_IsRetriedWithBackoff()
    {
        await using var h = await IbmHarness.StartAsync();
        h.Server.AddFault(new Fault { Method = "GET", PathPattern = "/api/v1/backends/ibm_fez/status", Kind = FaultKind.Status, Status = 429, Remaining = 2 });
        await h.Client.GetBackendStatusAsync("ibm_fez");
        Assert.Equal(3, h.Server.RequestsTo("GET", "/api/v1/backends/ibm_fez/status").Count);
        Assert.Equal(2, h.Logs.GetSnapshot().Count(r => r.Id.Id == 3000 && r.Message.Contains("HTTP 429 without Retry-After", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SlowResponse_BeyondAttemptTimeout_IsRetried()
    {
        await using var h = await IbmHarness.StartAsync(o => o.RequestTimeout = TimeSpan.FromMilliseconds(1500));
        h.Server.AddFault(new Fault { Method = "GET", PathPattern = "/api/v1/backends", Kind = FaultKind.Delay, Delay = TimeSpan.FromSeconds(10) });
        var backends = await h.Client.GetBackendsAsync();
        Assert.Equal(3, backends.Count);
        Assert.Equal(2, h.Server.RequestsTo("GET", "/api/v1/backends").Count);
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 3000 && r.Message.Contains("attempt timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DroppedConnection_OnIdempotentGet_IsRetried()
    {
        await using var h = await IbmHarness.StartAsync();
        var op = await h.Client.StartJobAsync(Bell());
        h.Server.AddFault(new Fault { Method = "GET", PathPattern = $"/api/v1/jobs/{op.Id}", Kind = FaultKind.DropBefore, Remaining = 2 });
        await op.UpdateStatusAsync();
        Assert.Equal(3, h.Server.RequestsTo("GET", $"/api/v1/jobs/{op.Id}").Count);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(524)]
    public async Task SubmitRefusedWith5xx_NoJobCreated_LooksUpTagThenResubmitsOnce(int status)
    {
        await using var h = await IbmHarness.StartAsync();
        h.Server.AddFault(new Fault { Method = "POST", PathPattern = "/api/v1/jobs", Kind = FaultKind.Status, Status = status });
        var op = await h.Client.StartJobAsync(Bell());

        var job = Assert.Single(h.Server.Jobs.Values);
        Assert.Equal(job.Id, op.Id);
        Assert.Equal(2, h.Server.RequestsTo("POST", "/api/v1/jobs").Count);
        var lookup = Assert.Single(h.Server.RequestsTo("GET", "/api/v1/jobs"));
        string clientTag = job.Tags.Single(t => t.StartsWith("qlm-submit-", StringComparison.Ordinal));
        Assert.Contains($"tags={clientTag}", lookup.Query, StringComparison.Ordinal);
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 3013);
    }

    [Fact]
    public async Task SubmitAnswered5xxAfterCreatingTheJob_AdoptsItWithoutResubmitting()
    {
        await using var h = await IbmHarness.StartAsync();
        h.Server.AddFault(new Fault { Method = "POST", PathPattern = "/api/v1/jobs", Kind = FaultKind.StatusAfter, Status = 502 });
        var op = await h.Client.StartJobAsync(Bell());
        var job = Assert.Single(h.Server.Jobs.Values);
        Assert.Equal(job.Id, op.Id);
        Assert.Single(h.Server.RequestsTo("POST", "/api/v1/jobs"));
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 3012);
        var result = await op.WaitForCompletionAsync();
        Assert.Equal(4, result.Shots);
    }

    [Fact]
    public async Task SubmitConnectionDroppedBeforeCreation_ResubmitsAndRunsOnce()
    {
        await using var h = await IbmHarness.StartAsync();
        h.Server.AddFault(new Fault { Method = "POST", PathPattern = "/api/v1/jobs", Kind = FaultKind.DropBefore });
        var op = await h.Client.StartJobAsync(Bell());
        Assert.Equal(op.Id, Assert.Single(h.Server.Jobs.Values).Id);
        Assert.Equal(2, h.Server.RequestsTo("POST", "/api/v1/jobs").Count);
        Assert.Single(h.Server.RequestsTo("GET", "/api/v1/jobs"));
    }

    [Fact]
    public async Task SubmitConnectionDroppedAfterCreation_AdoptsTheJobAndNeverResubmits()
    {
        await using var h = await IbmHarness.StartAsync();
        h.Server.AddFault(new Fault { Method = "POST", PathPattern = "/api/v1/jobs", Kind = FaultKind.DropAfter });
        var op = await h.Client.StartJobAsync(Bell());
        Assert.Equal(op.Id, Assert.Single(h.Server.Jobs.Values).Id);
        Assert.Single(h.Server.RequestsTo("POST", "/api/v1/jobs"));
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 3012);
    }

    [Fact]
    public async Task SubmitTimedOut_ServerAbandonedTheRequest_ResubmitsOnce()
    {
        await using var h = await IbmHarness.StartAsync(o => o.SubmitTimeout = TimeSpan.FromMilliseconds(1500));
        h.Server.AddFault(new Fault { Method = "POST", PathPattern = "/api/v1/jobs", Kind = FaultKind.Delay, Delay = TimeSpan.FromSeconds(10) });
        var op = await h.Client.StartJobAsync(Bell());
        Assert.Equal(op.Id, Assert.Single(h.Server.Jobs.Values).Id);
        Assert.Equal(2, h.Server.RequestsTo("POST", "/api/v1/jobs").Count);
    }

    [Fact]
    public async Task SubmitUnknownOutcomeEveryTime_GivesUpTransientAfterMaxRetries()
    {
        await using var h = await IbmHarness.StartAsync(o => o.MaxRetries = 2);
        h.Server.AddFault(new Fault { Method = "POST", PathPattern = "/api/v1/jobs", Kind = FaultKind.Status, Status = 500, Remaining = 10 });
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => h.Client.StartJobAsync(Bell()));
        Assert.True(ex.IsTransient);
        Assert.Contains("unknown outcome", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, h.Server.RequestsTo("POST", "/api/v1/jobs").Count);
        Assert.Equal(3, h.Server.RequestsTo("GET", "/api/v1/jobs").Count);
        Assert.Empty(h.Server.Jobs);
    }

    [Fact]
    public async Task Submit429_IsRetriedWithoutLookupBecauseNothingWasCreated()
    {
        await using var h = await IbmHarness.StartAsync();
        h.Server.AddFault(new Fault { Method = "POST", PathPattern = "/api/v1/jobs", Kind = FaultKind.Status, Status = 429, RetryAfter = "0" });
        await h.Client.StartJobAsync(Bell());
        Assert.Single(h.Server.Jobs);
        Assert.Equal(2, h.Server.RequestsTo("POST", "/api/v1/jobs").Count);
        Assert.Empty(h.Server.RequestsTo("GET", "/api/v1/jobs"));
    }

    [Fact]
    public async Task NonIdempotentPatch_IsNotRetriedOn5xx()
    {
        await using var h = await IbmHarness.StartAsync();
        var session = await h.Client.CreateSessionAsync("ibm_fez", IbmSessionMode.Dedicated);
        h.Server.AddFault(new Fault { Method = "PATCH", PathPattern = $"/api/v1/sessions/{session.Id}", Kind = FaultKind.Status, Status = 503, Remaining = 3 });
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => h.Client.CloseSessionAsync(session.Id));
        Assert.Equal(503, ex.StatusCode);
        Assert.Single(h.Server.RequestsTo("PATCH", $"/api/v1/sessions/{session.Id}"));
    }

    [Fact]
    public async Task CircuitBreaker_OpensAfterManyFailures_AndFailsFastWithoutCallingTheService()
    {
        await using var h = await IbmHarness.StartAsync(o => o.MaxRetries = 0);
        h.Server.AddFault(new Fault { Method = "GET", PathPattern = "/api/v1/instances/usage", Kind = FaultKind.Status, Status = 503, Remaining = 1000 });
        var errors = new List<IbmRuntimeException>();
        for (int i = 0; i < 25; i++)
        {
            errors.Add(await Assert.ThrowsAsync<IbmRuntimeException>(() => h.Client.GetUsageAsync()));
        }

        Assert.Equal(20, h.Server.RequestsTo("GET", "/api/v1/instances/usage").Count); // minimum throughput 20, failure ratio 100 %
        Assert.All(errors.Skip(20), e => Assert.Contains("circuit breaker", e.Message, StringComparison.Ordinal));
        Assert.All(errors, e => Assert.True(e.IsTransient));
    }

    [Fact]
    public async Task ExpiredToken_Gets401_RefreshesOnceAndRetriesOnce()
    {
        await using var h = await IbmHarness.StartAsync();
        await h.Client.GetUsageAsync();
        h.Server.AddFault(new Fault { Method = "GET", PathPattern = "/api/v1/backends", Kind = FaultKind.ExpireToken });
        await h.Client.GetBackendsAsync();
        Assert.Equal(2, h.Server.IssuedTokens.Count);
        var calls = h.Server.RequestsTo("GET", "/api/v1/backends");
        Assert.Equal(2, calls.Count);
        Assert.NotEqual(calls[0].Authorization, calls[1].Authorization);
        Assert.Equal($"Bearer {h.Server.IssuedTokens.Last()}", calls[1].Authorization);
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 3002);
    }

    [Fact]
    public async Task Repeated401_IsRetriedOnlyOnceThenUnauthorized()
    {
        await using var h = await IbmHarness.StartAsync();
        h.Server.AddFault(new Fault { Method = "GET", PathPattern = "/api/v1/backends", Kind = FaultKind.ExpireToken, Remaining = 5 });
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => h.Client.GetBackendsAsync());
        Assert.Equal(QuantumLmErrorCodes.Unauthorized, ex.ErrorCode);
        Assert.Equal(401, ex.StatusCode);
        Assert.Equal("1219", ex.ServiceErrorCode);
        Assert.Equal(2, h.Server.RequestsTo("GET", "/api/v1/backends").Count);
        Assert.Equal(2, h.Server.IssuedTokens.Count);
    }

    [Fact]
    public async Task ConcurrentCallers_ShareOneTokenRequest()
    {
        await using var h = await IbmHarness.StartAsync();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => h.Client.GetBackendStatusAsync("ibm_fez")));
        Assert.Single(h.Server.IssuedTokens);
        Assert.Single(h.Server.RequestsTo("POST", "/identity/token"));
    }

    [Fact]
    public async Task Token_IsRefreshedAfter80PercentOfItsLifetime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var h = await IbmHarness.StartAsync(timeProvider: time, setup: s => s.TokenLifetimeSeconds = 1000);
        await h.Client.GetUsageAsync();
        time.Advance(TimeSpan.FromSeconds(799));
        await h.Client.GetUsageAsync();
        Assert.Single(h.Server.IssuedTokens);
        time.Advance(TimeSpan.FromSeconds(2)); // 801 s: past 80 %
        await h.Client.GetUsageAsync();
        Assert.Equal(2, h.Server.IssuedTokens.Count);
        var usage = h.Server.RequestsTo("GET", "/api/v1/instances/usage");
        Assert.Equal(usage[0].Authorization, usage[1].Authorization);
        Assert.NotEqual(usage[1].Authorization, usage[2].Authorization);
    }

    [Fact]
    public async Task IamRefreshFailure_WhileOldTokenStillValid_KeepsUsingIt()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var h = await IbmHarness.StartAsync(o => o.MaxRetries = 0, timeProvider: time, setup: s => s.TokenLifetimeSeconds = 1000);
        await h.Client.GetUsageAsync();
        time.Advance(TimeSpan.FromSeconds(850));
        h.Server.AddFault(new Fault { Method = "POST", PathPattern = "/identity/token", Kind = FaultKind.Status, Status = 503 });
        await h.Client.GetUsageAsync();
        Assert.Single(h.Server.IssuedTokens);
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 3003);
    }

    [Fact]
    public async Task IamTransientFailure_IsRetried()
    {
        await using var h = await IbmHarness.StartAsync();
        h.Server.AddFault(new Fault { Method = "POST", PathPattern = "/identity/token", Kind = FaultKind.Status, Status = 503, Remaining = 2 });
        await h.Client.GetUsageAsync();
        Assert.Equal(3, h.Server.RequestsTo("POST", "/identity/token").Count);
    }

    [Fact]
    public async Task BadApiKey_IsUnauthorizedWithIamCode_AndTheKeyIsNotInTheMessage()
    {
        await using var h = await IbmHarness.StartAsync(o => o.ApiKey = "SECRET-wrong-key-987");
        var ex = await Assert.ThrowsAsync<IbmRuntimeException>(() => h.Client.GetBackendsAsync());
        Assert.Equal(QuantumLmErrorCodes.Unauthorized, ex.ErrorCode);
        Assert.Equal("BXNIM0415E", ex.ServiceErrorCode);
        Assert.Equal(400, ex.StatusCode);
        Assert.DoesNotContain("SECRET-wrong-key-987", ex.ToString(), StringComparison.Ordinal);
        Assert.Single(h.Server.RequestsTo("POST", "/identity/token")); // 400 is not retried
        Assert.Empty(h.Server.RequestsTo("GET", "/api/v1/backends"));
    }

    [Fact]
    public async Task Secrets_NeverAppearInLogsOrExceptions()
    {
        await using var h = await IbmHarness.StartAsync();
        h.Server.AddFault(new Fault { Method = "GET", PathPattern = "/api/v1/backends", Kind = FaultKind.ExpireToken });
        h.Server.AddFault(new Fault { Method = "GET", PathPattern = "/api/v1/instances/usage", Kind = FaultKind.Status, Status = 503, Remaining = 2 });
        h.Server.AddFault(new Fault { Method = "POST", PathPattern = "/api/v1/jobs", Kind = FaultKind.DropAfter });
        await h.Client.GetBackendsAsync();
        await h.Client.GetUsageAsync();
        var op = await h.Client.StartJobAsync(Bell());
        await op.WaitForCompletionAsync();
        var failure = await Assert.ThrowsAsync<IbmRuntimeException>(() => h.Client.GetJobAsync("nope"));

        var text = h.AllLogText().Append(failure.ToString()).Append(h.Provider.GetService(typeof(Microsoft.Extensions.Options.IOptions<IbmRuntimeOptions>)) is Microsoft.Extensions.Options.IOptions<IbmRuntimeOptions> o ? o.Value.ToString() : string.Empty).ToList();
        Assert.True(h.Logs.Count > 10, "expected a trace-level log to inspect");
        Assert.Equal(2, h.Server.IssuedTokens.Count);
        foreach (string secret in h.Server.IssuedTokens.Append(FakeIbmRuntimeServer.DefaultApiKey))
        {
            Assert.DoesNotContain(text, t => t.Contains(secret, StringComparison.Ordinal));
        }
    }
}
