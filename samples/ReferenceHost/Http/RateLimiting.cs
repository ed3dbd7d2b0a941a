using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using QuantumLM.ReferenceHost.Auth;

namespace QuantumLM.ReferenceHost.Http;

/// <summary>
/// The global rate limiter: one window per authenticated user and one per client IP, chained (a request needs a
/// permit from both). Health probes are not limited. A refused request gets 429 problem details with
/// <c>Retry-After</c> (whole seconds).
/// </summary>
internal static class RateLimiting
{
    public static IServiceCollection AddQuantumLmRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ApiHttpOptions>>(static (o, http) =>
        {
            RateLimitSettings s = http.Value.RateLimit;
            if (!s.Enabled)
            {
                return;
            }

            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(c =>
                    IsExempt(c) || !TokenService.TryGetUserId(c.User, out var user)
                        ? RateLimitPartition.GetNoLimiter("anonymous")
                        : Partition("user:" + user, s, s.PerUserPermitLimit)),
                PartitionedRateLimiter.Create<HttpContext, string>(c =>
                    IsExempt(c)
                        ? RateLimitPartition.GetNoLimiter("exempt")
                        : Partition("ip:" + (c.Connection.RemoteIpAddress?.ToString() ?? "unknown"), s, s.PerIpPermitLimit)));
            o.OnRejected = static async (context, ct) =>
            {
                HttpContext http = context.HttpContext;
                RateLimitSettings settings = http.RequestServices.GetRequiredService<IOptions<ApiHttpOptions>>().Value.RateLimit;
                TimeSpan retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan after) && after > TimeSpan.Zero
                    ? after
                    : settings.Algorithm == RateLimitAlgorithm.SlidingWindow ? settings.Window / settings.SegmentsPerWindow : settings.Window;
                int seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                string partition = TokenService.TryGetUserId(http.User, out var u) ? "user " + u : "an IP address";
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimiting))
                    .RateLimited(partition, http.Request.Method, http.Request.Path, seconds);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests.",
                        Detail = $"The rate limit was exceeded; retry after {seconds} s.",
                        Extensions = { [Problems.ErrorCodeKey] = "rate_limited", ["retry_after_seconds"] = seconds },
                    },
                });
            };
        });
        return services;
    }

    private static bool IsExempt(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
        || HttpMethods.IsOptions(context.Request.Method);

    private static RateLimitPartition<string> Partition(string key, RateLimitSettings s, int permits) =>
        s.Algorithm == RateLimitAlgorithm.FixedWindow
            ? RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = s.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = s.Window,
                SegmentsPerWindow = s.SegmentsPerWindow,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
}
