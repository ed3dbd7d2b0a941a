using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace QuantumLM.Quantum;

/// <summary>
/// The names of the <see cref="ActivitySource"/> and <see cref="Meter"/> of the <c>QuantumLM.Quantum</c> package, so a host can
/// subscribe with <c>.AddSource(QuantumTelemetry.SourceName)</c> and <c>.AddMeter(QuantumTelemetry.MeterName)</c>.
/// </summary>
public static class QuantumTelemetry
{
    /// <summary>The activity source name.</summary>
    public const string SourceName = "QuantumLM.Quantum";

    /// <summary>The meter name.</summary>
    public const string MeterName = "QuantumLM.Quantum";

    internal static ActivitySource ActivitySource { get; } = new(new ActivitySourceOptions(SourceName) { Version = typeof(QuantumTelemetry).Assembly.GetName().Version?.ToString() });

    internal static Meter Meter { get; } = new(new MeterOptions(MeterName) { Version = typeof(QuantumTelemetry).Assembly.GetName().Version?.ToString() });
}
