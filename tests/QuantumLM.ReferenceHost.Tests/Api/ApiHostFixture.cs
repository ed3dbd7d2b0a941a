using QuantumLM.ReferenceHost.Tests.Infrastructure;

namespace QuantumLM.ReferenceHost.Tests.Api;

/// <summary>The host with fast SSE heartbeats and a small local shot limit, so the limit is testable.</summary>
public sealed class ApiHostFixture : HostFixture
{
    public const int LocalMaxShots = 100_000;

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--QuantumLM:Api:SseHeartbeat", "00:00:00.300",
        "--QuantumLM:LocalSimulator:MaxShots", LocalMaxShots.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--QuantumLM:Http:RateLimit:Enabled", "false",
    ];
}
