using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace QuantumLM.Quantum.Ibm.Internal;

/// <summary>
/// The resilience pipeline of the IBM clients (ibm-runtime.md §5): retries of idempotent calls on the forcelist
/// 500/502/503/504/520/521/522/524 with jittered exponential backoff honouring <c>Retry-After</c>; 429 and connect
/// failures retried for every method (the request was not executed); a circuit breaker; a timeout per attempt.
/// <c>POST /jobs</c> is never retried here: the client resolves an unknown outcome by its client tag.
/// </summary>
internal static class IbmResilience
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        IbmRuntimeOptions o = context.ServiceProvider.GetRequiredService<IOptions<IbmRuntimeOptions>>().Value;
        ILogger logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("QuantumLM.Quantum.Ibm.Resilience");

        if (o.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = o.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                MaxDelay = o.MaxRetryDelay,
                ShouldRetryAfterHeader = true,
                ShouldHandle = static args => ValueTask.FromResult(ShouldRetry(args.Context.GetRequestMessage(), args.Outcome)),
                OnRetry = args =>
                {
                    HttpRequestMessage? request = args.Context.GetRequestMessage();
                    string method = request?.Method.Method ?? "?";
                    string reason = Reason(args.Outcome);
                    IbmMetrics.Retries.Add(1, new KeyValuePair<string, object?>("http.request.method", method), new KeyValuePair<string, object?>("reason", reason));
                    logger.IbmRetrying(method, request?.RequestUri?.AbsolutePath ?? "?", args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, reason);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = 20,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(5),
            ShouldHandle = static args => ValueTask.FromResult(IsFailure(args.Outcome)),
        });

        builder.AddTimeout(new HttpTimeoutStrategyOptions
        {
            TimeoutGenerator = args => ValueTask.FromResult(IsJobSubmission(args.Context.GetRequestMessage()) ? o.SubmitTimeout : o.RequestTimeout),
        });
    }

    /// <summary>Whether <paramref name="request"/> is <c>POST …/jobs</c> (a job submission).</summary>
    public static bool IsJobSubmission(HttpRequestMessage? request) =>
        request is not null && request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.EndsWith("/jobs", StringComparison.Ordinal) == true;

    internal static bool ShouldRetry(HttpRequestMessage? request, Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Result is { } response)
        {
            int status = (int)response.StatusCode;
            if (status == 429)
            {
                return true; // refused, not executed: safe for every method
            }

            return (IbmErrors.IsForcelistStatus(status) || status == 408) && IsIdempotent(request);
        }

        return outcome.Exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true, // never sent
            HttpRequestException or TimeoutRejectedException => IsIdempotent(request),
            _ => false,
        };
    }

    private static bool IsIdempotent(HttpRequestMessage? request)
    {
        if (request is null)
        {
            return false;
        }

        HttpMethod m = request.Method;
        if (m == HttpMethod.Get || m == HttpMethod.Put || m == HttpMethod.Delete || m == HttpMethod.Head || m == HttpMethod.Options || m == HttpMethod.Trace)
        {
            return true;
        }

        string path = request.RequestUri?.AbsolutePath ?? string.Empty;
        // Cancelling twice is harmless (the second answers 409) and asking IAM for a token twice only costs a token.
        return m == HttpMethod.Post && (path.EndsWith("/cancel", StringComparison.Ordinal) || path.EndsWith("/identity/token", StringComparison.Ordinal));
    }

    private static bool IsFailure(Outcome<HttpResponseMessage> outcome) => outcome.Result is { } r
        ? IbmErrors.IsTransientStatus((int)r.StatusCode)
        : outcome.Exception is HttpRequestException or TimeoutRejectedException;

    private static string Reason(Outcome<HttpResponseMessage> outcome) => outcome.Result is { } r
        ? $"HTTP {(int)r.StatusCode}{(r.StatusCode == HttpStatusCode.TooManyRequests && r.Headers.RetryAfter is null ? " without Retry-After" : string.Empty)}"
        : outcome.Exception switch
        {
            HttpRequestException h => $"{nameof(HttpRequestException)} ({h.HttpRequestError})",
            TimeoutRejectedException => "attempt timeout",
            { } e => e.GetType().Name,
            null => "unknown",
        };
}
