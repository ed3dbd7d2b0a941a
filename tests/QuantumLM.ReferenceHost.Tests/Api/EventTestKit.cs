using System.Text.Json;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.ReferenceHost.Tests.Infrastructure;

namespace QuantumLM.ReferenceHost.Tests.Api;

internal static class EventTestKit
{
    /// <summary>Publishes <paramref name="count"/> events to a session (as the workers do) and returns their ids in order.</summary>
    public static async Task<long[]> PublishAsync(HostFixture host, Guid sessionId, int count, int start = 0)
    {
        IAgentEventSink sink = host.App.Services.GetRequiredService<IAgentEventSink>();
        var ids = new long[count];
        for (int i = 0; i < count; i++)
        {
            AgentEvent e = await sink.PublishAsync(new NewAgentEvent
            {
                SessionId = new SessionId(sessionId),
                AgentType = "test",
                EventType = "step",
                Message = $"step {start + i}",
                Data = JsonSerializer.SerializeToElement(new { n = start + i }),
            });
            ids[i] = e.Id;
        }

        return ids;
    }
}
