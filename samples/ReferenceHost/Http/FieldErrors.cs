namespace QuantumLM.ReferenceHost.Http;

/// <summary>
/// Collects field-level validation failures of one request and turns them into a 400 <c>ValidationProblem</c>
/// (<c>errors</c>: field → messages). Field names are the snake_case JSON names (<c>display_name</c>,
/// <c>task_payload.shots</c>), messages say what is wrong without repeating the field.
/// <code>
/// var errors = new FieldErrors();
/// errors.Required("email", body.Email);
/// errors.Length("display_name", body.DisplayName, 1, 100);
/// if (errors.HasErrors) return errors.ToProblem();
/// </code>
/// </summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>Gets a value indicating whether any failure was recorded.</summary>
    public bool HasErrors => _errors.Count > 0;

    /// <summary>Records a failure.</summary>
    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out List<string>? list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    /// <summary>Records the failures of an existing map (for example from <c>PasswordPolicy.Validate</c>).</summary>
    public FieldErrors AddRange(IReadOnlyDictionary<string, string[]> errors)
    {
        foreach ((string field, string[] messages) in errors)
        {
            foreach (string m in messages)
            {
                Add(field, m);
            }
        }

        return this;
    }

    /// <summary>Requires a value; a string must not be blank. Returns <see langword="true"/> when present.</summary>
    public bool Required<T>(string field, T? value)
    {
        bool present = value switch
        {
            null => false,
            string s => !string.IsNullOrWhiteSpace(s),
            _ => true,
        };
        if (!present)
        {
            Add(field, "is required");
        }

        return present;
    }

    /// <summary>Checks the length of an optional string (null passes).</summary>
    public bool Length(string field, string? value, int min, int max)
    {
        if (value is null || (value.Length >= min && value.Length <= max))
        {
            return true;
        }

        Add(field, min <= 0 ? $"must be at most {max} characters" : $"must be {min} to {max} characters");
        return false;
    }

    /// <summary>Checks that an optional number lies in [<paramref name="min"/>, <paramref name="max"/>] (null passes).</summary>
    public bool Range<T>(string field, T? value, T min, T max)
        where T : struct, IComparable<T>
    {
        if (value is not { } v || (v.CompareTo(min) >= 0 && v.CompareTo(max) <= 0))
        {
            return true;
        }

        Add(field, $"must be between {min} and {max}");
        return false;
    }

    /// <summary>Checks that an optional string is an absolute http or https URL (null passes).</summary>
    public bool HttpUrl(string field, string? value, int maxLength = 2048)
    {
        if (value is null)
        {
            return true;
        }

        if (value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters");
            return false;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            Add(field, "must be an absolute http or https URL");
            return false;
        }

        return true;
    }

    /// <summary>Checks that an optional string is one of <paramref name="allowed"/> (ordinal; null passes).</summary>
    public bool OneOf(string field, string? value, IReadOnlyCollection<string> allowed)
    {
        if (value is null || allowed.Contains(value, StringComparer.Ordinal))
        {
            return true;
        }

        Add(field, $"must be one of: {string.Join(", ", allowed)}");
        return false;
    }

    /// <summary>Gets the failures as the <c>errors</c> map.</summary>
    public Dictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(static e => e.Key, static e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>Gets the 400 validation problem.</summary>
    public IResult ToProblem(string? detail = null) => Problems.Validation(ToDictionary(), detail);
}
