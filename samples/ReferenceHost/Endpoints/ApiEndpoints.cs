namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>Maps the platform's HTTP API (see the HTTP contract in ARCHITECTURE.md), one route group per area.</summary>
internal static class ApiEndpoints
{
    public static void MapQuantumLmApi(this WebApplication app)
    {
        RouteGroupBuilder api = app.MapGroup("/api");
        api.MapGet("/whoami", static (System.Security.Claims.ClaimsPrincipal user) =>
                Results.Json(new { user_id = Http.CallerExtensions.GetUserId(user).ToString() }))
            .RequireAuthorization();
        api.MapOperatorEndpoints();
        api.MapArenaEndpoints();
        api.MapQuantumJobEndpoints();
        api.MapAgentEndpoints();
        api.MapOrganismEndpoints();
        api.MapCommitEndpoints();
        api.MapMemoryEndpoints();
    }
}
