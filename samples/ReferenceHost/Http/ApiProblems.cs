using QuantumLM.Abstractions;

namespace QuantumLM.ReferenceHost.Http;

/// <summary>RFC 9457 problem results of the API (application/problem+json), with field-level validation errors.</summary>
internal static class ApiProblems
{
    /// <summary>A 400 validation problem for one field.</summary>
    public static IResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] });

    /// <summary>A 400 validation problem.</summary>
    public static IResult Validation(IDictionary<string, string[]> errors) =>
        Problems.Validation(errors);

    /// <summary>A 404 for a resource the caller cannot see (missing and invisible are indistinguishable).</summary>
    public static IResult NotFound(string what) => Problems.NotFound($"{what} does not exist or is not visible to you");

    /// <summary>A 403 for a caller without the permission an action needs.</summary>
    public static IResult Forbidden(string detail) => Problems.Forbidden(detail);

    /// <summary>A problem with a status.</summary>
    public static IResult Status(int status, string title, string detail) =>
        Problems.Problem(status, title, detail);

    /// <summary>Maps a store's refusal to a problem (forbidden → 403, not found → 404, invalid → 400, conflict → 409).</summary>
    public static IResult From(QuantumLmException ex, string field = "$") => ex.ErrorCode switch
    {
        QuantumLmErrorCodes.Forbidden => Forbidden(ex.Message),
        QuantumLmErrorCodes.NotFound => Status(StatusCodes.Status404NotFound, "Not found", ex.Message),
        QuantumLmErrorCodes.Conflict => Status(StatusCodes.Status409Conflict, "Conflict", ex.Message),
        QuantumLmErrorCodes.ServiceError => Status(StatusCodes.Status503ServiceUnavailable, "Service unavailable", "the database could not complete the request"),
        _ => Validation(field, ex.Message),
    };

    /// <summary>Reads an optional integer query parameter within [min, max].</summary>
    public static bool TryQueryInt(HttpRequest request, string name, long min, long max, long fallback, out long value, out IResult? problem)
    {
        problem = null;
        value = fallback;
        string? raw = request.Query[name];
        if (raw is null)
        {
            return true;
        }

        if (!long.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            problem = Validation(name, $"must be an integer between {min} and {max}");
            return false;
        }

        return true;
    }

    /// <summary>Reads a required UUID query parameter.</summary>
    public static bool TryQueryUuid(HttpRequest request, string name, out Guid value, out IResult? problem)
    {
        problem = null;
        string? raw = request.Query[name];
        if (raw is null)
        {
            problem = Validation(name, "is required");
            value = default;
            return false;
        }

        if (!Guid.TryParse(raw, out value))
        {
            problem = Validation(name, "must be a UUID");
            return false;
        }

        return true;
    }
}
