using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using QuantumLM.Abstractions;

namespace QuantumLM.ReferenceHost.Http;

/// <summary>
/// Turns every exception that reaches the pipeline into problem details without stack traces: bad request bodies
/// (malformed JSON, wrong types, missing body) become 400 naming the field, 413/415 keep their status,
/// <see cref="QuantumLmException"/> maps through <see cref="ErrorStatus"/> (its message is shown for 4xx), and
/// anything else is a logged 500 with a generic detail.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem = exception switch
        {
            BadHttpRequestException bad => FromBadRequest(bad),
            QuantumLmException q => FromQuantumLm(q),
            _ => Unexpected(exception, httpContext),
        };
        if (problem.Status >= 500 && exception is QuantumLmException)
        {
            logger.RequestFailed(exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private ProblemDetails Unexpected(Exception exception, HttpContext httpContext)
    {
        logger.RequestFailed(exception, httpContext.Request.Method, httpContext.Request.Path);
        return new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Title = "An unexpected error occurred.",
            Detail = "The server could not complete the request; the error has been logged with the trace id.",
        };
    }

    private static ProblemDetails FromQuantumLm(QuantumLmException exception)
    {
        int status = ErrorStatus.For(exception);
        return new ProblemDetails
        {
            Status = status,
            Title = status switch
            {
                400 => "The request is invalid.",
                403 => "The operation is not allowed.",
                404 => "Not found.",
                409 => "Conflict.",
                _ => "The operation failed.",
            },
            Detail = status < 500 ? exception.Message : "A dependency failed; retry later.",
            Extensions = { [Problems.ErrorCodeKey] = exception.ErrorCode },
        };
    }

    internal static ProblemDetails FromBadRequest(BadHttpRequestException exception)
    {
        int status = exception.StatusCode;
        if (status == StatusCodes.Status413PayloadTooLarge)
        {
            return new ProblemDetails { Status = status, Title = "The request body is too large.", Detail = "The request body exceeds the configured limit (QuantumLM:Http:MaxRequestBodyBytes)." };
        }

        if (status == StatusCodes.Status415UnsupportedMediaType)
        {
            return new ProblemDetails { Status = status, Title = "Unsupported media type.", Detail = "Send the body as application/json." };
        }

        if (status != StatusCodes.Status400BadRequest)
        {
            return new ProblemDetails { Status = status, Title = "The request is invalid.", Detail = "The request could not be read." };
        }

        Dictionary<string, string[]> errors = DescribeBodyError(exception);
        return new HttpValidationProblemDetails(errors)
        {
            Status = status,
            Title = "The request is invalid.",
            Detail = Problems.DescribeFields(errors),
        };
    }

    /// <summary>Names the field of a body or parameter binding failure.</summary>
    internal static Dictionary<string, string[]> DescribeBodyError(BadHttpRequestException exception)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (exception.InnerException is JsonException json)
        {
            string msg = json.Message;
            Match missing = MissingRequired().Match(msg);
            if (missing.Success)
            {
                foreach (Match name in QuotedName().Matches(missing.Groups[1].Value))
                {
                    errors[name.Groups[1].Value] = ["is required"];
                }

                return errors;
            }

            string field = FieldFromPath(json.Path);
            Match wrongType = WrongType().Match(msg);
            string where = json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : string.Empty;
            errors[field] = [wrongType.Success ? $"has the wrong type: expected {Friendly(TargetType(wrongType.Groups[1].Value, json.Path))}" : $"is not valid JSON{where}"];
            return errors;
        }

        Match parameter = ParameterBinding().Match(exception.Message);
        if (parameter.Success)
        {
            errors[parameter.Groups[2].Value] = [$"\"{parameter.Groups[3].Value}\" is not a valid {Friendly(parameter.Groups[1].Value)}"];
            return errors;
        }

        Match requiredParameter = RequiredParameter().Match(exception.Message);
        if (requiredParameter.Success)
        {
            string name = requiredParameter.Groups[2].Value;
            errors[requiredParameter.Groups[3].Value == "body" ? "body" : name] = ["is required"];
            return errors;
        }

        errors["body"] = ["could not be read"];
        return errors;
    }

    /// <summary>
    /// The type the failing value should have had: System.Text.Json names the type being built, which for records
    /// bound through their constructor is the record, so walk the path through its JSON properties.
    /// </summary>
    private static string TargetType(string typeName, string? path)
    {
        Type? type = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName, throwOnError: false)).FirstOrDefault(static t => t is not null);
        if (type is null || path is null || type.IsPrimitive || type == typeof(string))
        {
            return typeName;
        }

        foreach (string segment in path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = segment.Split('[')[0];
            System.Text.Json.Serialization.Metadata.JsonPropertyInfo? property = HttpJson.Options.GetTypeInfo(type).Properties.FirstOrDefault(p => p.Name == name);
            if (property is null)
            {
                break;
            }

            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (segment.Contains('[', StringComparison.Ordinal) && type.IsArray)
            {
                type = type.GetElementType()!;
            }
        }

        return type.FullName ?? typeName;
    }

    private static string FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        string p = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return p.Length == 0 ? "body" : p;
    }

    private static string Friendly(string typeName)
    {
        string t = typeName.Trim();
        if (t.StartsWith("System.Nullable`1[", StringComparison.Ordinal))
        {
            t = t["System.Nullable`1[".Length..].TrimEnd(']');
        }

        int comma = t.IndexOf(',', StringComparison.Ordinal);
        if (comma > 0)
        {
            t = t[..comma];
        }

        return t switch
        {
            "System.Int32" or "Int32" or "int" or "System.Int64" or "Int64" or "long" or "System.Int16" or "System.Byte" => "an integer",
            "System.Double" or "Double" or "double" or "System.Single" or "System.Decimal" => "a number",
            "System.String" or "String" or "string" => "a string",
            "System.Boolean" or "Boolean" or "bool" => "true or false",
            "System.Guid" or "Guid" => "UUID",
            "System.DateTimeOffset" or "System.DateTime" or "DateTimeOffset" => "ISO 8601 date and time",
            _ when t.Contains("Dictionary", StringComparison.Ordinal) || t.Contains("JsonElement", StringComparison.Ordinal) => "an object",
            _ when t.Contains("List", StringComparison.Ordinal) || t.Contains("[]", StringComparison.Ordinal) => "an array",
            _ when t.EndsWith("Id", StringComparison.Ordinal) => "UUID",
            _ => "value of another type",
        };
    }

    [GeneratedRegex(@"missing required properties including: (.*)$", RegexOptions.Singleline)]
    private static partial Regex MissingRequired();

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedName();

    [GeneratedRegex(@"could not be converted to ([^\s.][^\s]*?)\.(\s|$)")]
    private static partial Regex WrongType();

    // "Failed to bind parameter \"Guid id\" from \"abc\"."
    [GeneratedRegex("^Failed to bind parameter \"(.+) ([^ \"]+)\" from \"(.*)\"\\.$", RegexOptions.Singleline)]
    private static partial Regex ParameterBinding();

    // "Required parameter \"LoginRequest body\" was not provided from body." / "... from query string."
    [GeneratedRegex("^Required parameter \"(.+) ([^ \"]+)\" was not provided from ([a-z ]+)", RegexOptions.Singleline)]
    private static partial Regex RequiredParameter();
}
