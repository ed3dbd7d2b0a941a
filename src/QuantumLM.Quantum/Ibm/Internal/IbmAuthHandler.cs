using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace QuantumLM.Quantum.Ibm.Internal;

/// <summary>
/// Adds <c>Authorization: Bearer</c>, <c>Service-CRN</c>, <c>IBM-API-Version</c> and <c>Accept</c> to every runtime request
/// (<c>GET /versions</c> gets no CRN and no version, as the service does not need them). A 401 answer drops the token,
/// fetches a new one and sends the request once more.
/// </summary>
internal sealed class IbmAuthHandler(IamTokenProvider tokens, IOptions<IbmRuntimeOptions> options, ILogger<IbmAuthHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string token = await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        Apply(request, token);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        logger.IbmUnauthorizedRetry(request.Method.Method, request.RequestUri?.AbsolutePath ?? string.Empty);
        response.Dispose();
        tokens.Invalidate(token);
        token = await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        Apply(request, token);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private void Apply(HttpRequestMessage request, string token)
    {
        IbmRuntimeOptions o = options.Value;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        bool versions = request.RequestUri?.AbsolutePath.EndsWith("/versions", StringComparison.Ordinal) == true;
        request.Headers.Remove("Service-CRN");
        request.Headers.Remove("IBM-API-Version");
        if (!versions)
        {
            request.Headers.TryAddWithoutValidation("Service-CRN", o.ServiceCrn);
            request.Headers.TryAddWithoutValidation("IBM-API-Version", o.ApiVersion);
        }

        if (request.Headers.Accept.Count == 0)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }
    }
}
