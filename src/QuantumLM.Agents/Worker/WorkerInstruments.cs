using System.Diagnostics.Metrics;

namespace QuantumLM.Agents;

/// <summary>The worker's metrics, on the package meter (<see cref="AgentsTelemetry.MeterName"/>).</summary>
internal static class WorkerInstruments
{
    public static readonly Counter<long> Claimed = AgentsTelemetry.Meter.CreateCounter<long>("quantumlm.agents.tasks.claimed", "{task}", "Tasks claimed by agent workers.");
    public static readonly Counter<long> Completed = AgentsTelemetry.Meter.CreateCounter<long>("quantumlm.agents.tasks.completed", "{task}", "Tasks completed.");
    public static readonly Counter<long> Failed = AgentsTelemetry.Meter.CreateCounter<long>("quantumlm.agents.tasks.failed", "{task}", "Tasks dead-lettered (permanent failure or no attempts left).");
    public static readonly Counter<long> Retried = AgentsTelemetry.Meter.CreateCounter<long>("quantumlm.agents.tasks.retried", "{task}", "Failed attempts scheduled for a retry.");
    public static readonly Counter<long> Released = AgentsTelemetry.Meter.CreateCounter<long>("quantumlm.agents.tasks.released", "{task}", "Tasks handed back on shutdown.");
    public static readonly Counter<long> LeasesLost = AgentsTelemetry.Meter.CreateCounter<long>("quantumlm.agents.leases.lost", "{task}", "Tasks whose lease was lost while running.");
    public static readonly Histogram<double> Duration = AgentsTelemetry.Meter.CreateHistogram<double>("quantumlm.agents.task.duration", "ms", "Time from claim to completion or failure.");
    public static readonly UpDownCounter<long> InFlight = AgentsTelemetry.Meter.CreateUpDownCounter<long>("quantumlm.agents.tasks.in_flight", "{task}", "Tasks running now.");
}
