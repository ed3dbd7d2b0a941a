using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace QuantumLM.Organisms;

/// <summary>
/// The names of the <see cref="ActivitySource"/> and <see cref="Meter"/> of the <c>QuantumLM.Organisms</c> package, so a host can
/// subscribe with <c>.AddSource(OrganismsTelemetry.SourceName)</c> and <c>.AddMeter(OrganismsTelemetry.MeterName)</c>.
/// </summary>
public static class OrganismsTelemetry
{
    /// <summary>The activity source name.</summary>
    public const string SourceName = "QuantumLM.Organisms";

    /// <summary>The meter name.</summary>
    public const string MeterName = "QuantumLM.Organisms";

    internal static ActivitySource ActivitySource { get; } = new(new ActivitySourceOptions(SourceName) { Version = typeof(OrganismsTelemetry).Assembly.GetName().Version?.ToString() });

    internal static Meter Meter { get; } = new(new MeterOptions(MeterName) { Version = typeof(OrganismsTelemetry).Assembly.GetName().Version?.ToString() });
}
