using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using QuantumLM.Abstractions;
using Refit;

namespace QuantumLM.Quantum.Ibm.Internal;

/// <summary>Maps HTTP failures to <see cref="IbmRuntimeException"/> with the service's error code and message.</summary>
internal static class IbmErrors
{
    /// <summary>The status codes IBM's own client retries (urllib3 status_forcelist, ibm-runtime.md §5).</summary>
    public static bool IsForcelistStatus(int status) => status is 500 or 502 or 503 or 504 or 520 or 521 or 522 or 524;

    public static bool IsTransientStatus(int status) => IsForcelistStatus(status) || status is 408 or 429;

    /// <summary>Reads the service's error body: <c>{"errors":[{"code","message"}],"trace"}</c>, the legacy <c>{"error":{…}}</c>, or IAM's <c>{"errorCode","errorMessage"}</c>.</summary>
    public static (string? Code, string? Message, string? Trace) ParseBody(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return (null, null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(content);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, Shorten(content), null);
            }

            string? trace = Text(root, "trace");
            if (root.TryGetProperty("errors", out JsonElement errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                JsonElement first = errors[0];
                string? solution = Text(first, "solution");
                string? message = Text(first, "message");
                return (Text(first, "code"), solution is null ? message : $"{message} ({solution})", trace);
            }

            if (root.TryGetProperty("error", out JsonElement legacy) && legacy.ValueKind == JsonValueKind.Object)
            {
                return (Text(legacy, "code"), Text(legacy, "message"), trace);
            }

            if (root.TryGetProperty("errorCode", out _))
            {
                return (Text(root, "errorCode"), Text(root, "errorMessage"), trace);
            }

            return (null, Text(root, "message") ?? Shorten(content), trace);
        }
        catch (JsonException)
        {
            return (null, Shorten(content), null);
        }
    }

    public static IbmRuntimeException FromApi(string operation, ApiException ex)
    {
        int status = (int)ex.StatusCode;
        var (code, message, trace) = ParseBody(ex.Content);
        string errorCode = ex.StatusCode switch
        {
            HttpStatusCode.Unauthorized => QuantumLmErrorCodes.Unauthorized,
            HttpStatusCode.Forbidden => QuantumLmErrorCodes.Forbidden,
            HttpStatusCode.NotFound => QuantumLmErrorCodes.NotFound,
            HttpStatusCode.Conflict => QuantumLmErrorCodes.Conflict,
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => QuantumLmErrorCodes.InvalidPayload,
            _ => QuantumLmErrorCodes.ServiceError,
        };
        string hint = status == 503 ? " (the service may be in maintenance)" : string.Empty;
        string text = $"IBM Runtime {operation} failed with HTTP {status}{hint}{(code is null ? string.Empty : $", error {code}")}: {message ?? ex.ReasonPhrase ?? "no error message"}{(trace is null ? string.Empty : $" [trace {trace}]")}";
        return new IbmRuntimeException(errorCode, text, IsTransientStatus(status), status, code, message, trace, ex);
    }

    /// <summary>Maps a transport failure (no usable response) to a transient <see cref="IbmRuntimeException"/>.</summary>
    public static bool TryMapTransport(Exception ex, string what, [NotNullWhen(true)] out IbmRuntimeException? mapped)
    {
        ex = Unwrap(ex);
        mapped = ex switch
        {
            HttpRequestException h => new IbmRuntimeException(QuantumLmErrorCodes.ServiceError, $"{what} failed: the connection failed or was dropped ({h.HttpRequestError}: {h.Message})", isTransient: true, innerException: h),
            TimeoutRejectedException t => new IbmRuntimeException(QuantumLmErrorCodes.ServiceError, $"{what} timed out after {t.Timeout.TotalSeconds:0.###} s", isTransient: true, innerException: t),
            BrokenCircuitException b => new IbmRuntimeException(QuantumLmErrorCodes.ServiceError, $"{what} was not sent: too many recent failures opened the circuit breaker; try again later", isTransient: true, innerException: b),
            IbmRuntimeException i => i,
            _ => null,
        };
        return mapped is not null;
    }

    /// <summary>Refit wraps failures that happen before a response (transport errors, Polly rejections, errors raised by handlers) in <see cref="ApiRequestException"/>; this returns the cause.</summary>
    public static Exception Unwrap(Exception ex) => ex is ApiRequestException { InnerException: { } inner } ? inner : ex;

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            }
            : null;

    private static string Shorten(string s) => s.Length <= 300 ? s : string.Concat(s.AsSpan(0, 297), "...");
}
