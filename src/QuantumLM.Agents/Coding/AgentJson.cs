using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantumLM.Agents;

/// <summary>Agent results as JSON: built with <see cref="JsonObject"/> (trim- and AOT-safe), snake_case names as the platform's API.</summary>
internal static class AgentJson
{
    public static JsonElement ToElement(JsonNode node)
    {
        using JsonDocument doc = JsonDocument.Parse(node.ToJsonString());
        return doc.RootElement.Clone();
    }

    public static JsonArray Strings(IEnumerable<string> values) => new(values.Select(static v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
