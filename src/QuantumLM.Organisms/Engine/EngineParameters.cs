using System.Globalization;
using System.Text.Json;
using QuantumLM.Abstractions;

namespace QuantumLM.Organisms;

/// <summary>Reads an operator's parameter object; unknown keys and out-of-range values are errors naming the field.</summary>
internal sealed class EngineParameters
{
    private readonly JsonElement? _object;
    private readonly string _prefix;
    private readonly HashSet<string> _allowed = new(StringComparer.Ordinal);

    public EngineParameters(JsonElement? value, string prefix)
    {
        _prefix = prefix;
        if (value is JsonElement e && e.ValueKind != JsonValueKind.Null)
        {
            _object = e.ValueKind == JsonValueKind.Object ? e : throw Invalid(prefix, "must be an object");
        }
    }

    public static QuantumLmException Invalid(string field, string problem) => new(QuantumLmErrorCodes.InvalidPayload, $"{field}: {problem}");

    public double Number(string name, double fallback, double min, double max)
    {
        if (!TryGet(name, out JsonElement e))
        {
            return fallback;
        }

        if (e.ValueKind != JsonValueKind.Number || !double.IsFinite(e.GetDouble()))
        {
            throw Invalid(Field(name), "must be a number");
        }

        double v = e.GetDouble();
        return v >= min && v <= max ? v : throw Invalid(Field(name), $"is {v.ToString(CultureInfo.InvariantCulture)}; it must be in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]");
    }

    public int Integer(string name, int fallback, int min, int max)
    {
        if (!TryGet(name, out JsonElement e))
        {
            return fallback;
        }

        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int v))
        {
            throw Invalid(Field(name), "must be an integer");
        }

        return v >= min && v <= max ? v : throw Invalid(Field(name), $"is {v}; it must be from {min} to {max}");
    }

    public ulong Seed(string name, ulong fallback)
    {
        if (!TryGet(name, out JsonElement e))
        {
            return fallback;
        }

        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long l))
        {
            return unchecked((ulong)l);
        }

        return e.ValueKind == JsonValueKind.Number && e.TryGetUInt64(out ulong u) ? u : throw Invalid(Field(name), "must be an integer");
    }

    public bool Boolean(string name, bool fallback)
    {
        if (!TryGet(name, out JsonElement e))
        {
            return fallback;
        }

        return e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(Field(name), "must be true or false"),
        };
    }

    public string Choice(string name, string fallback, params string[] choices)
    {
        if (!TryGet(name, out JsonElement e))
        {
            return fallback;
        }

        string? s = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        return s is not null && choices.Contains(s, StringComparer.Ordinal) ? s : throw Invalid(Field(name), $"must be one of {string.Join(", ", choices)}");
    }

    public string Text(string name, string fallback, int maxLength)
    {
        if (!TryGet(name, out JsonElement e))
        {
            return fallback;
        }

        string? s = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        return s is { Length: > 0 } && s.Length <= maxLength ? s : throw Invalid(Field(name), $"must be a string of 1 to {maxLength} characters");
    }

    /// <summary>Fails on keys that no read asked for.</summary>
    public void RejectUnknown(string what)
    {
        if (_object is not JsonElement o)
        {
            return;
        }

        foreach (JsonProperty p in o.EnumerateObject())
        {
            if (!_allowed.Contains(p.Name))
            {
                throw Invalid(Field(p.Name), $"is not a parameter of {what} (known: {string.Join(", ", _allowed.Order(StringComparer.Ordinal))})");
            }
        }
    }

    private bool TryGet(string name, out JsonElement value)
    {
        _allowed.Add(name);
        value = default;
        return _object is JsonElement o && o.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private string Field(string name) => $"{_prefix}.{name}";
}
