using System.Text.Json;
using System.Text.Json.Nodes;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Organisms;

/// <summary>Operator reports as snake_case JSON (the shape the CLI prints).</summary>
internal static class OrganismReportJson
{
    public static JsonObject Evolve(EvolveReport r) => new()
    {
        ["operator"] = r.Operator,
        ["seed"] = r.Seed,
        ["rng"] = RngInfo.Xoshiro256StarStar,
        ["rate"] = r.Options.Rate,
        ["sigma"] = r.Options.Sigma,
        ["mode"] = r.Options.Mode == EvolveMode.Gaussian ? "gaussian" : "multiplicative",
        ["changes"] = r.Changes,
        ["changed_traits"] = ChangedTraits(r),
    };

    public static JsonArray ChangedTraits(EvolveReport r) => new([.. r.ChangedTraits.Select(static c => (JsonNode?)new JsonObject
    {
        ["gene"] = c.Gene,
        ["trait"] = c.Trait,
        ["before"] = Trait(c.Before),
        ["after"] = Trait(c.After),
    })]);

    public static JsonObject Crossover(CrossoverReport r) => new()
    {
        ["operator"] = r.Operator,
        ["seed"] = r.Seed,
        ["rng"] = RngInfo.Xoshiro256StarStar,
        ["mode"] = r.Options.Mode == CrossoverMode.OnePoint ? "onepoint" : "uniform",
        ["p_mix"] = r.Options.MixProbability,
        ["point"] = r.Options.Point,
        ["cut"] = r.Cut,
        ["genes_from_first"] = Strings(r.GenesFromFirst),
        ["genes_from_second"] = Strings(r.GenesFromSecond),
        ["genes_mixed"] = Strings(r.GenesMixed),
        ["shared_traits_from_first"] = r.SharedTraitsFromFirst,
        ["shared_traits_from_second"] = r.SharedTraitsFromSecond,
    };

    public static JsonObject SelfHeal(SelfHealReport r) => new() { ["operator"] = r.Operator, ["fixes"] = Strings(r.Fixes) };

    public static JsonObject Enhance(QuantumEnhanceReport r, JsonElement? metrics) => new()
    {
        ["operator"] = r.Operator,
        ["status"] = r.Status,
        ["fallback"] = r.Fallback,
        ["failure_reason"] = r.FailureReason,
        ["backend"] = r.Backend,
        ["job_id"] = r.JobId,
        ["seed"] = r.Seed,
        ["qubits"] = r.Qubits,
        ["shots"] = r.Shots,
        ["mu"] = r.Mu,
        ["metrics"] = metrics is JsonElement m ? JsonNode.Parse(m.GetRawText()) : null,
        ["circuit"] = r.Circuit,
        ["evolve"] = Evolve(r.Evolve),
    };

    public static JsonElement ToElement(JsonNode node)
    {
        using JsonDocument doc = JsonDocument.Parse(node.ToJsonString());
        return doc.RootElement.Clone();
    }

    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(static v => (JsonNode?)JsonValue.Create(v))]);

    private static JsonNode? Trait(TraitValue value) => value switch
    {
        NumberTrait { IsInteger: true } n => JsonValue.Create((long)n.Value),
        NumberTrait n => JsonValue.Create(n.Value),
        BooleanTrait b => JsonValue.Create(b.Value),
        TextTrait t => JsonValue.Create(t.Value),
        ListTrait l => new JsonArray([.. l.Items.Select(Trait)]),
        MapTrait m => new JsonObject(m.Map.Select(static e => new KeyValuePair<string, JsonNode?>(e.Key, Trait(e.Value)))),
        _ => null,
    };

    /// <summary>The §5.6 object through the registered serializer, or a minimal one with the original keys when none is registered.</summary>
    public static JsonElement? Metrics(TensorMetrics? metrics, ITensorMetricsSerializer? serializer) => metrics is null ? null
        : serializer is not null ? serializer.Serialize(metrics)
        : ToElement(new JsonObject
        {
            ["metrics_version"] = metrics.MetricsVersion,
            ["phi"] = metrics.Phi,
            ["lambda"] = metrics.Lambda,
            ["gamma"] = metrics.Gamma,
            ["w2"] = metrics.W2,
            ["shots"] = metrics.Shots,
            ["width"] = metrics.Width,
            ["ideal_source"] = metrics.IdealSource,
        });
}
