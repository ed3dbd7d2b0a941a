using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace QuantumLM.ReferenceHost.Http;

/// <summary>HTTP settings of the API (<c>QuantumLM:Http</c>): body size, CORS, rate limits, OpenAPI.</summary>
internal sealed class ApiHttpOptions
{
    public const string SectionName = "QuantumLM:Http";

    /// <summary>Gets or sets the largest accepted request body in bytes; larger bodies are answered 413.</summary>
    /// <value>The default is 1 MiB.</value>
    [Range(1024, 1L << 30)]
    public long MaxRequestBodyBytes { get; set; } = 1L << 20;

    /// <summary>Gets or sets a value indicating whether the OpenAPI document (<c>/openapi/v1.json</c>) and its page (<c>/scalar</c>) are served.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool OpenApiEnabled { get; set; } = true;

    /// <summary>Gets or sets the CORS settings.</summary>
    [ValidateObjectMembers]
    public CorsSettings Cors { get; set; } = new();

    /// <summary>Gets or sets the rate limits.</summary>
    [ValidateObjectMembers]
    public RateLimitSettings RateLimit { get; set; } = new();
}

/// <summary>Cross-origin requests (<c>QuantumLM:Http:Cors</c>).</summary>
internal sealed class CorsSettings
{
    /// <summary>Gets or sets the origins allowed to call the API from a browser (for example <c>https://app.example.org</c>); empty allows none.</summary>
    /// <value>The default is empty.</value>
    [MaxLength(100)]
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Gets or sets how long browsers may cache a preflight answer.</summary>
    /// <value>The default is 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>The kind of rate-limiting window.</summary>
internal enum RateLimitAlgorithm
{
    /// <summary>A sliding window of <see cref="RateLimitSettings.SegmentsPerWindow"/> segments.</summary>
    SlidingWindow,

    /// <summary>A fixed window.</summary>
    FixedWindow,
}

/// <summary>Rate limits per user and per client IP (<c>QuantumLM:Http:RateLimit</c>); over the limit a request is answered 429 with <c>Retry-After</c>.</summary>
internal sealed class RateLimitSettings
{
    /// <summary>Gets or sets a value indicating whether rate limiting is on.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the window algorithm.</summary>
    /// <value>The default is <see cref="RateLimitAlgorithm.SlidingWindow"/>.</value>
    public RateLimitAlgorithm Algorithm { get; set; } = RateLimitAlgorithm.SlidingWindow;

    /// <summary>Gets or sets the window length.</summary>
    /// <value>The default is 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the number of segments of a sliding window.</summary>
    /// <value>The default is 6.</value>
    [Range(1, 100)]
    public int SegmentsPerWindow { get; set; } = 6;

    /// <summary>Gets or sets the requests one authenticated user may make per window.</summary>
    /// <value>The default is 600.</value>
    [Range(1, 10_000_000)]
    public int PerUserPermitLimit { get; set; } = 600;

    /// <summary>Gets or sets the requests one client IP address may make per window (all users behind it together).</summary>
    /// <value>The default is 1200.</value>
    [Range(1, 10_000_000)]
    public int PerIpPermitLimit { get; set; } = 1200;
}

[OptionsValidator]
internal sealed partial class ApiHttpOptionsValidator : IValidateOptions<ApiHttpOptions>
{
}

/// <summary>The cross-field rules of <see cref="ApiHttpOptions"/>.</summary>
internal sealed class ApiHttpOptionsRules : IValidateOptions<ApiHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiHttpOptions options)
    {
        var failures = new List<string>();
        for (int i = 0; i < options.Cors.AllowedOrigins.Length; i++)
        {
            string origin = options.Cors.AllowedOrigins[i];
            if (origin == "*")
            {
                failures.Add($"{ApiHttpOptions.SectionName}:Cors:AllowedOrigins:{i} is \"*\": list the origins explicitly.");
            }
            else if (!Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || origin.EndsWith('/'))
            {
                failures.Add($"{ApiHttpOptions.SectionName}:Cors:AllowedOrigins:{i} \"{origin}\" is not an origin (scheme://host[:port], no path).");
            }
        }

        if (options.RateLimit.Algorithm == RateLimitAlgorithm.SlidingWindow && options.RateLimit.Window.TotalMilliseconds / options.RateLimit.SegmentsPerWindow < 1)
        {
            failures.Add($"{ApiHttpOptions.SectionName}:RateLimit:SegmentsPerWindow makes segments shorter than 1 ms.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
