using System.Diagnostics.Metrics;

namespace QuantumLM.Quantum.Ibm.Internal;

/// <summary>Instruments of the IBM Runtime client on <see cref="QuantumTelemetry.Meter"/>.</summary>
internal static class IbmMetrics
{
    /// <summary>Counts HTTP retries, tagged with <c>http.request.method</c>, <c>reason</c>.</summary>
    public static readonly Counter<long> Retries = QuantumTelemetry.Meter.CreateCounter<long>("quantumlm.ibm.retries", "{retry}", "HTTP requests to IBM Quantum Runtime retried, by method and reason.");

    /// <summary>Counts IAM tokens obtained.</summary>
    public static readonly Counter<long> TokenRefreshes = QuantumTelemetry.Meter.CreateCounter<long>("quantumlm.ibm.token_refreshes", "{token}", "IAM bearer tokens obtained.");

    /// <summary>Counts job submissions whose outcome was unknown, tagged <c>outcome</c> = adopted | resubmitted | gave_up.</summary>
    public static readonly Counter<long> SubmitRecoveries = QuantumTelemetry.Meter.CreateCounter<long>("quantumlm.ibm.submit_recoveries", "{submission}", "Job submissions with an unknown outcome, by how they were resolved.");
}
