using System.Text.Json;

namespace QuantumLM.ReferenceHost.Http;

/// <summary>
/// Reads a JSON request body as a document and validates its fields one by one, so that every failure names its
/// field (snake_case, as on the wire): malformed JSON, a wrong type, a missing or oversized value. Nothing is bound
/// implicitly, so a request that fails here has written nothing.
/// </summary>
internal sealed class JsonBody
{
    /// <summary>The default size limit of a request body.</summary>
    public const int DefaultMaxBytes = 1024 * 1024;

    private readonly JsonElement _root;

    private JsonBody(JsonElement root) => _root = root;

    /// <summary>Gets the validation errors so far (field → messages).</summary>
    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets whether no field failed.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Reads the body: a JSON object of at most <paramref name="maxBytes"/> bytes, or a ProblemDetails result.</summary>
    public static async Task<(JsonBody? Body, IResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiProblems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "the body must be JSON (Content-Type: application/json)"));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, ApiProblems.Status(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"the body has {request.ContentLength} bytes; the limit is {maxBytes}"));
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, ApiProblems.Status(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"the body exceeds the limit of {maxBytes} bytes"));
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, ApiProblems.Validation("$", $"the body must be a JSON object, not {Kind(doc.RootElement.ValueKind)}"));
            }

            return (new JsonBody(doc.RootElement.Clone()), null);
        }
        catch (JsonException ex)
        {
            string where = ex.LineNumber is long line ? $" at line {line + 1}, byte {ex.BytePositionInLine + 1}" : string.Empty;
            return (null, ApiProblems.Validation("$", $"malformed JSON{where}"));
        }
    }

    /// <summary>Gets the validation problem of the failures so far.</summary>
    public IResult Problem() => ApiProblems.Validation(Errors);

    /// <summary>Records a failure of a field.</summary>
    public void Fail(string field, string message) =>
        Errors[field] = Errors.TryGetValue(field, out string[]? existing) ? [.. existing, message] : [message];

    /// <summary>Gets whether the field is present and not null.</summary>
    public bool Has(string field) => _root.TryGetProperty(field, out JsonElement v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>A string field.</summary>
    public string? String(string field, bool required, int maxLength, int minLength = 1)
    {
        if (!Get(field, required, out JsonElement v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            Fail(field, $"must be a string, not {Kind(v.ValueKind)}");
            return null;
        }

        string s = v.GetString()!;
        if (s.Length < minLength || (minLength > 0 && string.IsNullOrWhiteSpace(s)))
        {
            Fail(field, minLength <= 1 ? "must not be empty" : $"must have at least {minLength} characters");
            return null;
        }

        if (s.Length > maxLength)
        {
            Fail(field, $"has {s.Length} characters; the limit is {maxLength}");
            return null;
        }

        return s;
    }

    /// <summary>An integer field within [min, max].</summary>
    public long? Integer(string field, bool required, long min, long max)
    {
        if (!Get(field, required, out JsonElement v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long n))
        {
            Fail(field, v.ValueKind == JsonValueKind.Number ? "must be a whole number within 64 bits" : $"must be an integer, not {Kind(v.ValueKind)}");
            return null;
        }

        if (n < min || n > max)
        {
            Fail(field, $"must be between {min} and {max}, got {n}");
            return null;
        }

        return n;
    }

    /// <summary>A UUID field (a string).</summary>
    public Guid? Uuid(string field, bool required)
    {
        string? s = String(field, required, 64);
        if (s is null)
        {
            return null;
        }

        if (!Guid.TryParse(s, out Guid g))
        {
            Fail(field, "must be a UUID");
            return null;
        }

        return g;
    }

    /// <summary>An object field.</summary>
    public JsonElement? Object(string field, bool required)
    {
        if (!Get(field, required, out JsonElement v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            Fail(field, $"must be an object, not {Kind(v.ValueKind)}");
            return null;
        }

        return v;
    }

    /// <summary>Any JSON value (present and not null when required).</summary>
    public JsonElement? Value(string field, bool required) => Get(field, required, out JsonElement v) ? v : null;

    /// <summary>Names a JSON value kind for messages.</summary>
    public static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "undefined",
    };

    private bool Get(string field, bool required, out JsonElement value)
    {
        if (!_root.TryGetProperty(field, out value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(field, "is required");
            }

            return false;
        }

        return true;
    }
}
