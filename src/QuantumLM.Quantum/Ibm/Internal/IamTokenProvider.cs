using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refit;

namespace QuantumLM.Quantum.Ibm.Internal;

/// <summary>
/// Exchanges the API key for IAM bearer tokens and caches them: a token is refreshed once 80 % of its lifetime has
/// passed; concurrent callers share one refresh (single flight); a token rejected with 401 is dropped by <see cref="Invalidate"/>.
/// </summary>
internal sealed class IamTokenProvider(IIamApi iam, IOptions<IbmRuntimeOptions> options, TimeProvider timeProvider, ILogger<IamTokenProvider> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CachedToken? _token;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        CachedToken? token = Volatile.Read(ref _token);
        if (token is not null && timeProvider.GetUtcNow() < token.RefreshAt)
        {
            return token.Value;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            token = Volatile.Read(ref _token);
            DateTimeOffset now = timeProvider.GetUtcNow();
            if (token is not null && now < token.RefreshAt)
            {
                return token.Value;
            }

            try
            {
                token = await FetchAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IbmRuntimeException ex) when (token is not null && now < token.ExpiresAt && ex.IsTransient)
            {
                logger.IbmTokenRefreshFailed(ex.ErrorCode, (token.ExpiresAt - now).TotalSeconds);
                return token.Value;
            }

            Volatile.Write(ref _token, token);
            return token.Value;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drops <paramref name="rejectedToken"/> if it is still the cached one, so the next caller fetches a new token.</summary>
    public void Invalidate(string rejectedToken)
    {
        CachedToken? current = Volatile.Read(ref _token);
        if (current is not null && string.Equals(current.Value, rejectedToken, StringComparison.Ordinal))
        {
            Interlocked.CompareExchange(ref _token, null, current);
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<CachedToken> FetchAsync(CancellationToken cancellationToken)
    {
        IbmRuntimeOptions o = options.Value;
        using var form = new FormUrlEncodedContent(
        [
            new KeyValuePair<string, string>("grant_type", "urn:ibm:params:oauth:grant-type:apikey"),
            new KeyValuePair<string, string>("apikey", o.ApiKey),
            new KeyValuePair<string, string>("response_type", "cloud_iam"),
        ]);
        DateTimeOffset requested = timeProvider.GetUtcNow();
        IamTokenDto dto;
        try
        {
            dto = await iam.GetTokenAsync(form, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex)
        {
            // The request carried the API key: never attach it (or the request) to the exception.
            var (code, message, _) = IbmErrors.ParseBody(ex.Content);
            bool transient = IbmErrors.IsTransientStatus((int)ex.StatusCode);
            string errorCode = ex.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                ? QuantumLM.Abstractions.QuantumLmErrorCodes.Unauthorized
                : QuantumLM.Abstractions.QuantumLmErrorCodes.ServiceError;
            throw new IbmRuntimeException(
                errorCode,
                $"IBM IAM at {o.IamUrl} refused the token request with HTTP {(int)ex.StatusCode}{(code is null ? string.Empty : $" {code}")}: {message ?? "no error message"}",
                transient,
                (int)ex.StatusCode,
                code,
                message);
        }
        catch (ApiRequestException ex) when (IbmErrors.Unwrap(ex) is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("IBM IAM token request was cancelled", IbmErrors.Unwrap(ex), cancellationToken);
        }
        catch (Exception ex) when (IbmErrors.TryMapTransport(ex, $"IBM IAM token request to {o.IamUrl}", out IbmRuntimeException? mapped))
        {
            throw mapped;
        }

        if (string.IsNullOrEmpty(dto.AccessToken))
        {
            throw new IbmRuntimeException(QuantumLM.Abstractions.QuantumLmErrorCodes.Unauthorized, $"IBM IAM at {o.IamUrl} answered without an access_token", statusCode: 200);
        }

        long lifetime = dto.ExpiresIn is > 0 ? dto.ExpiresIn.Value
            : dto.Expiration is long exp ? exp - requested.ToUnixTimeSeconds()
            : 0;
        if (lifetime <= 0)
        {
            throw new IbmRuntimeException(QuantumLM.Abstractions.QuantumLmErrorCodes.Unauthorized, $"IBM IAM at {o.IamUrl} answered with a token that has no positive lifetime (expires_in, expiration)", statusCode: 200);
        }

        var refreshAfter = TimeSpan.FromSeconds(lifetime * 0.8);
        var expiresAfter = TimeSpan.FromSeconds(Math.Max(lifetime - 10, lifetime * 0.9));
        IbmMetrics.TokenRefreshes.Add(1);
        logger.IbmTokenObtained(lifetime, refreshAfter.TotalSeconds);
        return new CachedToken(dto.AccessToken, requested + refreshAfter, requested + expiresAfter);
    }

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt, DateTimeOffset ExpiresAt)
    {
        public override string ToString() => "CachedToken { *** }";
    }
}
