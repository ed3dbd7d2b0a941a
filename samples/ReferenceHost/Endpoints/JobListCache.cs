using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Http;

namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>
/// The hot read of the dashboard and of scripts: a user's job list, kept as the serialized response for
/// <see cref="ApiOptions.JobListCacheDuration"/> — but only while every job in it is final (completed, failed,
/// cancelled), because a final job never changes again. A list with a queued or running job is always read fresh.
/// This process invalidates the user's lists when it accepts, cancels or deletes anything of theirs; a job submitted
/// through another API process appears here at the latest after the cache duration.
/// </summary>
internal sealed class JobListCache(HybridCache cache, IQuantumJobStore jobs, IOptions<ApiOptions> options)
{
    private static readonly HashSet<string> s_final = ["completed", "failed", "cancelled"];

    public async Task<byte[]> GetAsync(DbIdentity identity, UserId user, int limit, CancellationToken cancellationToken)
    {
        TimeSpan ttl = options.Value.JobListCacheDuration;
        if (ttl <= TimeSpan.Zero)
        {
            return (await ReadAsync(identity, limit, cancellationToken).ConfigureAwait(false)).Body;
        }

        string key = $"quantumlm:jobs:{user}:{limit}";
        var entryOptions = new HybridCacheEntryOptions { Expiration = ttl, LocalCacheExpiration = ttl };
        CachedList list = await cache.GetOrCreateAsync(key, (Self: this, Identity: identity, Limit: limit),
            static (s, ct) => new ValueTask<CachedList>(s.Self.ReadAsync(s.Identity, s.Limit, ct)),
            entryOptions, [Tag(user)], cancellationToken).ConfigureAwait(false);
        if (!list.AllFinal)
        {
            await cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        }

        return list.Body;
    }

    /// <summary>Forgets the user's cached lists (after they submit, cancel or delete something).</summary>
    public ValueTask InvalidateAsync(UserId user, CancellationToken cancellationToken) => cache.RemoveByTagAsync(Tag(user), cancellationToken);

    private static string Tag(UserId user) => $"quantumlm:jobs:{user}";

    private async Task<CachedList> ReadAsync(DbIdentity identity, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<QuantumJobRecord> list = await jobs.ListAsync(identity, limit, cancellationToken).ConfigureAwait(false);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new { jobs = list.Select(ApiJson.Job).ToArray() }, HttpJson.Options);
        return new CachedList(body, list.All(static j => s_final.Contains(j.Status)));
    }
}

/// <summary>A serialized job list and whether it may be kept.</summary>
[ImmutableObject(true)]
internal sealed record CachedList(byte[] Body, bool AllFinal);
