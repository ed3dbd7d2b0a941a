using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace QuantumLM.Agents;

/// <summary>
/// The names of the <see cref="ActivitySource"/> and <see cref="Meter"/> of the <c>QuantumLM.Agents</c> package, so a host can
/// subscribe with <c>.AddSource(AgentsTelemetry.SourceName)</c> and <c>.AddMeter(AgentsTelemetry.MeterName)</c>.
/// </summary>
public static class AgentsTelemetry
{
    /// <summary>The activity source name.</summary>
    public const string SourceName = "QuantumLM.Agents";

    /// <summary>The meter name.</summary>
    public const string MeterName = "QuantumLM.Agents";

    internal static ActivitySource ActivitySource { get; } = new(new ActivitySourceOptions(SourceName) { Version = typeof(AgentsTelemetry).Assembly.GetName().Version?.ToString() });

    internal static Meter Meter { get; } = new(new MeterOptions(MeterName) { Version = typeof(AgentsTelemetry).Assembly.GetName().Version?.ToString() });
}
