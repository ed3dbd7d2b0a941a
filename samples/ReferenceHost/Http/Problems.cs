namespace QuantumLM.ReferenceHost.Http;

/// <summary>
/// The API's <c>application/problem+json</c> answers (RFC 9457): every error has a <c>title</c> and a <c>detail</c>;
/// validation failures add <c>errors</c> (field → messages) and, where useful, <c>error_code</c>.
/// </summary>
internal static class Problems
{
    /// <summary>The extension member carrying a stable machine-readable code.</summary>
    public const string ErrorCodeKey = "error_code";

    /// <summary>400 with field errors.</summary>
    public static IResult Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(errors, detail ?? DescribeFields(errors), title: "The request is invalid.");

    /// <summary>400 for one field.</summary>
    public static IResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] });

    /// <summary>400 without a specific field.</summary>
    public static IResult BadRequest(string detail, string? errorCode = null) => Problem(StatusCodes.Status400BadRequest, "The request is invalid.", detail, errorCode);

    /// <summary>401.</summary>
    public static IResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, "Authentication is required.", detail, "unauthorized");

    /// <summary>403.</summary>
    public static IResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "The operation is not allowed.", detail, "forbidden");

    /// <summary>404 (also for resources the caller may not see).</summary>
    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found.", detail, "not_found");

    /// <summary>409.</summary>
    public static IResult Conflict(string detail, string? field = null)
    {
        if (field is null)
        {
            return Problem(StatusCodes.Status409Conflict, "Conflict.", detail, "conflict");
        }

        return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [detail] })
        {
            Status = StatusCodes.Status409Conflict,
            Title = "Conflict.",
            Detail = $"{field}: {detail}",
            Extensions = { [ErrorCodeKey] = "conflict" },
        });
    }

    /// <summary>Any status.</summary>
    public static IResult Problem(int status, string title, string detail, string? errorCode = null)
    {
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail };
        if (errorCode is not null)
        {
            problem.Extensions[ErrorCodeKey] = errorCode;
        }

        return TypedResults.Problem(problem);
    }

    /// <summary>"email: is required; password: must be …" — the one-line summary of field errors.</summary>
    public static string DescribeFields(IEnumerable<KeyValuePair<string, string[]>> errors) =>
        string.Join("; ", errors.Select(static e => $"{e.Key}: {string.Join(", ", e.Value)}"));
}
