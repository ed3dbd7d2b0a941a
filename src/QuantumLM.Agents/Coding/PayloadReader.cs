using System.Text.Json;
using QuantumLM.Abstractions;

namespace QuantumLM.Agents;

/// <summary>Reads task payload fields with precise, field-named errors (<see cref="QuantumLmErrorCodes.InvalidPayload"/>, never retried).</summary>
internal static class PayloadReader
{
    public static JsonElement RequireObject(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("payload", $"must be a JSON object, not {payload.ValueKind}");
        }

        return payload;
    }

    public static string RequireString(JsonElement payload, string name, int maxLength)
    {
        string? value = OptionalString(payload, name, maxLength);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Invalid(name, "is required");
        }

        return value;
    }

    public static string? OptionalString(JsonElement payload, string name, int maxLength)
    {
        if (!payload.TryGetProperty(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.String)
        {
            throw Invalid(name, $"must be a string, not {e.ValueKind}");
        }

        string s = e.GetString()!;
        if (s.Length > maxLength)
        {
            throw Invalid(name, $"is {s.Length} characters long; the limit is {maxLength}");
        }

        return s;
    }

    public static long? OptionalLong(JsonElement payload, string name, long min, long max)
    {
        if (!payload.TryGetProperty(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out long v))
        {
            throw Invalid(name, $"must be an integer, not {Describe(e)}");
        }

        if (v < min || v > max)
        {
            throw Invalid(name, $"is {v}; it must be from {min} to {max}");
        }

        return v;
    }

    public static Guid? OptionalGuid(JsonElement payload, string name)
    {
        string? s = OptionalString(payload, name, 64);
        if (s is null)
        {
            return null;
        }

        return Guid.TryParse(s, out Guid g) ? g : throw Invalid(name, $"\"{s}\" is not a UUID");
    }

    /// <summary>Reads an object of string → number (counts or probabilities); <see langword="null"/> when absent.</summary>
    public static List<KeyValuePair<string, double>>? OptionalNumberMap(JsonElement payload, string name)
    {
        if (!payload.TryGetProperty(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(name, $"must be an object of bitstring → number, not {Describe(e)}");
        }

        var list = new List<KeyValuePair<string, double>>();
        foreach (JsonProperty p in e.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number)
            {
                throw Invalid($"{name}.{p.Name}", $"must be a number, not {Describe(p.Value)}");
            }

            list.Add(new(p.Name, p.Value.GetDouble()));
        }

        return list;
    }

    public static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => e.ValueKind.ToString().ToLowerInvariant(),
    };

    public static QuantumLmException Invalid(string field, string problem) =>
        new(QuantumLmErrorCodes.InvalidPayload, $"{field}: {problem}");
}
