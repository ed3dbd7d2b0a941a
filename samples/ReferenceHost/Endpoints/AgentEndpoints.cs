using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Abstractions.Security;
using QuantumLM.Agents;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Http;

namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>Agent dispatch (any task type a registered agent handles) and task status.</summary>
internal static class AgentEndpoints
{
    /// <summary>Task types with their own endpoint, which validates their payload and writes their rows.</summary>
    private static readonly Dictionary<string, string> OwnEndpoint = new(StringComparer.Ordinal)
    {
        [TaskType.QuantumExecute] = "POST /api/quantum/jobs",
        [TaskType.OrganismMutate] = "POST /api/organisms/mutate",
    };

    public static RouteGroupBuilder MapAgentEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/agents/dispatch", DispatchAsync).RequireAuthorization().WithTags("Agents");
        api.MapGet("/tasks/{id:guid}", GetTaskAsync).RequireAuthorization().WithTags("Agents");
        return api;
    }

    private static async Task<IResult> DispatchAsync(HttpRequest request, ClaimsPrincipal user, AgentRegistry registry, IArenaSessionStore sessions,
        ITransactionalTaskQueue queue, IPermissionChecker permissions, IOptions<ApiOptions> options, CancellationToken ct)
    {
        (JsonBody? body, IResult? problem) = await JsonBody.ReadAsync(request, options.Value.MaxBodyBytes, ct);
        if (body is null)
        {
            return problem!;
        }

        string? agentType = body.String("agent_type", required: true, maxLength: 64);
        string? taskTypeText = body.String("task_type", required: true, maxLength: 129);
        JsonElement? payload = body.Object("task_payload", required: true);
        long? priority = body.Integer("priority", required: false, 0, 10_000);
        Guid? sessionGuid = body.Uuid("session_id", required: false);
        if (agentType is not null && taskTypeText is not null)
        {
            // task_type is "<agent>:<action>", or the bare action (the original dispatcher joined agent_type and task_type).
            string full = taskTypeText.Contains(':', StringComparison.Ordinal) ? taskTypeText : agentType + ":" + taskTypeText;
            try
            {
                registry.GetAgent(agentType, full);
                if (OwnEndpoint.TryGetValue(full, out string? endpoint))
                {
                    body.Fail("task_type", $"\"{full}\" is dispatched through {endpoint}, which validates its payload and records its result rows");
                }
                else
                {
                    taskTypeText = full;
                }
            }
            catch (QuantumLmException ex) when (ex.ErrorCode == QuantumLmErrorCodes.UnknownTaskType)
            {
                body.Fail("task_type", ex.Message);
            }
        }

        if (!body.IsValid)
        {
            return body.Problem();
        }

        DbIdentity identity = user.GetDbIdentity();
        SessionId? sessionId = sessionGuid is Guid g ? new SessionId(g) : null;
        if (sessionId is { } sid && await sessions.GetAsync(identity, sid, ct) is null)
        {
            return ApiProblems.NotFound("the session");
        }

        // Organism work needs the organisms:mutate permission (admin, researcher), as through its own endpoint.
        if (taskTypeText!.StartsWith("organism:", StringComparison.Ordinal)
            && !(await permissions.CheckAsync(user.GetUserId(), Permission.OrganismsMutate, ct)).Allowed)
        {
            return ApiProblems.Forbidden($"\"{taskTypeText}\" needs the {Permission.OrganismsMutate} permission (admin or researcher)");
        }

        TaskId id = await queue.EnqueueAsync(identity, new NewAgentTask
        {
            TaskType = TaskType.Parse(taskTypeText!),
            Payload = payload!.Value,
            Priority = (int)(priority ?? 100),
            SessionId = sessionId,
            CreatedBy = user.GetUserId(),
        }, ct);
        return TypedResults.Accepted($"/api/tasks/{id.Value}", new { task_id = id.Value, task_type = taskTypeText, status = "pending" });
    }

    private static async Task<IResult> GetTaskAsync(Guid id, ClaimsPrincipal user, ITransactionalTaskQueue queue, CancellationToken ct) =>
        await queue.GetAsync(user.GetDbIdentity(), new TaskId(id), ct) is { } task
            ? TypedResults.Ok(ApiJson.Task(task))
            : ApiProblems.NotFound("the task");
}
