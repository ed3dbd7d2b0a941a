using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace QuantumLM.ReferenceHost;

/// <summary>Limits and timings of the HTTP API (section <c>QuantumLM:Api</c>).</summary>
internal sealed class ApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "QuantumLM:Api";

    /// <summary>Gets or sets the largest JSON request body in bytes.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets the shot limit of backends that state none (remote backends).</summary>
    [Range(1, 10_000_000)]
    public int MaxShotsRemote { get; set; } = 100_000;

    /// <summary>Gets or sets the interval of SSE heartbeat comments.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan SseHeartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how many live events a slow SSE subscriber may fall behind before it is cut off (it resumes with Last-Event-ID).</summary>
    [Range(16, 1_000_000)]
    public int SseSubscriberBuffer { get; set; } = 10_000;

    /// <summary>Gets or sets the dimension of the offline embedding generator.</summary>
    [Range(8, 4096)]
    public int EmbeddingDimensions { get; set; } = 256;

    /// <summary>Gets or sets how long a user's job list is kept while all its jobs are final (0 turns the cache off).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan JobListCacheDuration { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>Validates <see cref="ApiOptions"/> at start-up.</summary>
[OptionsValidator]
internal sealed partial class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
}
