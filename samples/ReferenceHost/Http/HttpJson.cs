using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantumLM.ReferenceHost.Http;

/// <summary>
/// The JSON conventions of the HTTP API: snake_case property names and enum values, strict number handling.
/// Dictionary keys (counts, metrics) are kept as they are.
/// </summary>
internal static class HttpJson
{
    /// <summary>Applies the API conventions to <paramref name="options"/>.</summary>
    public static void Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
    }

    /// <summary>Gets stand-alone options with the API conventions (for tests, SSE payloads, anything outside minimal APIs).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(o);
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
