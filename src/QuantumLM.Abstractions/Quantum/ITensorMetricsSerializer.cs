using System.Text.Json;

namespace QuantumLM.Abstractions.Quantum;

/// <summary>
/// Writes <see cref="TensorMetrics"/> as the stored JSON object of the metrics specification §5.6 (the
/// <c>quantum_jobs.metrics</c> column and the HTTP API's <c>metrics</c>): the original keys <c>phi</c>, <c>lambda</c>,
/// <c>gamma</c>, <c>w2</c> plus provenance; unknown values are JSON null, never 0.0. Implemented by <c>QuantumLM.Quantum</c>.
/// </summary>
public interface ITensorMetricsSerializer
{
    /// <summary>Serializes the metrics.</summary>
    /// <param name="metrics">The metrics.</param>
    /// <returns>The §5.6 JSON object.</returns>
    JsonElement Serialize(TensorMetrics metrics);
}
