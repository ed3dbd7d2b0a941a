using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Metrics;

/// <summary>
/// Writes <see cref="TensorMetrics"/> as the metrics specification §5.6 object: snake_case keys, every key present,
/// unknown values as explicit <c>null</c>, <c>ci95</c> as <c>[lo, hi]</c> pairs or <c>null</c>. The host, the
/// command line and the job store all use this one writer, so the stored JSON is identical everywhere.
/// </summary>
public static class TensorMetricsJson
{
    /// <summary>The keys of the object, in the order they are written.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "metrics_version", "reason", "phi", "lambda", "gamma", "w2", "w2_normalized", "w2_ground_metric", "w2_method",
        "w2_discretization", "w1_marginal_lower", "hellinger_distance", "phi_entropy", "phi_miller_madow",
        "phi_undersampled", "gamma_cal_per_s", "shots", "ideal_shots", "width", "distinct_outcomes", "ideal_source",
        "concurrence", "witness", "ci95",
    ];

    /// <summary>Writes the §5.6 object.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="metrics">The metrics.</param>
    public static void Write(Utf8JsonWriter writer, TensorMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(metrics);
        writer.WriteStartObject();
        writer.WriteString("metrics_version", metrics.MetricsVersion);
        WriteString(writer, "reason", metrics.Reason);
        WriteNumber(writer, "phi", metrics.Phi);
        WriteNumber(writer, "lambda", metrics.Lambda);
        WriteNumber(writer, "gamma", metrics.Gamma);
        WriteNumber(writer, "w2", metrics.W2);
        WriteNumber(writer, "w2_normalized", metrics.W2Normalized);
        WriteString(writer, "w2_ground_metric", metrics.W2GroundMetric);
        WriteString(writer, "w2_method", metrics.W2Method);
        WriteNumber(writer, "w2_discretization", metrics.W2Discretization);
        WriteNumber(writer, "w1_marginal_lower", metrics.W1MarginalLower);
        WriteNumber(writer, "hellinger_distance", metrics.HellingerDistance);
        WriteNumber(writer, "phi_entropy", metrics.PhiEntropy);
        writer.WriteBoolean("phi_miller_madow", metrics.PhiMillerMadow);
        if (metrics.PhiUndersampled is bool undersampled)
        {
            writer.WriteBoolean("phi_undersampled", undersampled);
        }
        else
        {
            writer.WriteNull("phi_undersampled");
        }

        WriteNumber(writer, "gamma_cal_per_s", metrics.GammaCalPerSecond);
        writer.WriteNumber("shots", metrics.Shots);
        if (metrics.IdealShots is long idealShots)
        {
            writer.WriteNumber("ideal_shots", idealShots);
        }
        else
        {
            writer.WriteNull("ideal_shots");
        }

        writer.WriteNumber("width", metrics.Width);
        writer.WriteNumber("distinct_outcomes", metrics.DistinctOutcomes);
        writer.WriteString("ideal_source", metrics.IdealSource);
        WriteNumber(writer, "concurrence", metrics.Concurrence);
        WriteNumber(writer, "witness", metrics.Witness);
        writer.WriteStartObject("ci95");
        MetricIntervals ci = metrics.Ci95 ?? MetricIntervals.None;
        WriteInterval(writer, "lambda", ci.Lambda);
        WriteInterval(writer, "phi", ci.Phi);
        WriteInterval(writer, "w2", ci.W2);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Returns the §5.6 object as UTF-8 JSON text.</summary>
    /// <param name="metrics">The metrics.</param>
    /// <param name="indented">Whether to indent.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJsonString(TensorMetrics metrics, bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            Write(writer, metrics);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Returns the §5.6 object as a <see cref="JsonObject"/> (for embedding in a larger document).</summary>
    /// <param name="metrics">The metrics.</param>
    /// <returns>A new node.</returns>
    public static JsonObject ToJsonNode(TensorMetrics metrics) =>
        JsonNode.Parse(ToJsonString(metrics))!.AsObject();

    private static void WriteString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is double v && double.IsFinite(v))
        {
            writer.WriteNumber(name, Math.Abs(v) < TensorMetricsCalculator.ZeroThreshold ? 0.0 : v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteInterval(Utf8JsonWriter writer, string name, ConfidenceInterval? interval)
    {
        if (interval is ConfidenceInterval c && double.IsFinite(c.Low) && double.IsFinite(c.High))
        {
            writer.WriteStartArray(name);
            writer.WriteNumberValue(Math.Abs(c.Low) < TensorMetricsCalculator.ZeroThreshold ? 0.0 : c.Low);
            writer.WriteNumberValue(Math.Abs(c.High) < TensorMetricsCalculator.ZeroThreshold ? 0.0 : c.High);
            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
