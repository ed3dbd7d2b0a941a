using System.Text.Json;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Metrics;

/// <summary>The <see cref="ITensorMetricsSerializer"/> of <see cref="TensorMetricsJson"/> (the §5.6 object).</summary>
internal sealed class TensorMetricsSerializer : ITensorMetricsSerializer
{
    public JsonElement Serialize(TensorMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        using JsonDocument doc = JsonDocument.Parse(TensorMetricsJson.ToJsonString(metrics));
        return doc.RootElement.Clone();
    }
}
