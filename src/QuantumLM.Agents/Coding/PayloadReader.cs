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

    public static QuantumLmException Invalid(string field, string problem) =>
        new(QuantumLmErrorCodes.InvalidPayload, $"{field}: {problem}");
}
