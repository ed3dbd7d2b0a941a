using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace QuantumLM.Persistence.Postgres;

/// <summary>
/// The names of the <see cref="ActivitySource"/> and <see cref="Meter"/> of the <c>QuantumLM.Persistence.Postgres</c> package, so a host can
/// subscribe with <c>.AddSource(PostgresTelemetry.SourceName)</c> and <c>.AddMeter(PostgresTelemetry.MeterName)</c>.
/// </summary>
public static class PostgresTelemetry
{
    /// <summary>The activity source name.</summary>
    public const string SourceName = "QuantumLM.Persistence.Postgres";

    /// <summary>The meter name.</summary>
    public const string MeterName = "QuantumLM.Persistence.Postgres";

    internal static ActivitySource ActivitySource { get; } = new(new ActivitySourceOptions(SourceName) { Version = typeof(PostgresTelemetry).Assembly.GetName().Version?.ToString() });

    internal static Meter Meter { get; } = new(new MeterOptions(MeterName) { Version = typeof(PostgresTelemetry).Assembly.GetName().Version?.ToString() });
}
