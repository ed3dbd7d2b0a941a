namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>Maps the platform's HTTP API (see the HTTP contract in ARCHITECTURE.md), one route group per area.</summary>
internal static class ApiEndpoints
{
    public static void MapQuantumLmApi(this WebApplication app)
    {
        RouteGroupBuilder api = app.MapGroup("/api");
        api.MapAuthEndpoints();
        api.MapUserEndpoints();
        api.MapRbacEndpoints();
        api.MapOperatorEndpoints();
        api.MapArenaEndpoints();
        api.MapQuantumJobEndpoints();
        api.MapAgentEndpoints();
        api.MapOrganismEndpoints();
        api.MapCommitEndpoints();
        api.MapMemoryEndpoints();
    }
}
