using System.Globalization;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions.Security;
using QuantumLM.Persistence.Postgres;
using QuantumLM.ReferenceHost.Http;

namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>
/// <c>GET /api/operator/stats[?window_hours=24][&amp;failures=20]</c>: the operator view (operator and admin roles only):
/// queue depth by task type and status, quantum job outcomes and latency per backend over the window, workers holding a
/// lease, and the most recent failed tasks with their errors. Read-only. The caller's roles are read from the database;
/// once allowed, the figures are read under a service identity so that they cover the whole platform.
/// </summary>
internal static class OperatorEndpoints
{
    public static RouteGroupBuilder MapOperatorEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/operator/stats", StatsAsync).RequireAuthorization().WithTags("Operator");
        return api;
    }

    private static async Task<IResult> StatsAsync(HttpRequest request, ClaimsPrincipal user, IPermissionChecker permissions, IOperatorStatsStore stats,
        IOptions<QuantumLmPostgresOptions> postgres, CancellationToken ct)
    {
        if (!TryQuery(request, "window_hours", 1, 24 * 365, 24, out int windowHours, out IResult? problem)
            || !TryQuery(request, "failures", 0, 1000, 20, out int failures, out problem))
        {
            return problem!;
        }

        IReadOnlyList<Role> roles = await permissions.GetRolesAsync(user.GetUserId(), ct);
        if (!roles.Contains(Role.Operator) && !roles.Contains(Role.Admin))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "the operator view needs the operator or admin role");
        }

        OperatorStats s = await stats.GetAsync(DbIdentity.ForService(postgres.Value.ServiceName + ":operator-stats"), TimeSpan.FromHours(windowHours), failures, ct);
        return TypedResults.Ok(new
        {
            generated_at = s.GeneratedAt,
            window_hours = windowHours,
            queue = s.Queue.Select(static q => new { task_type = q.TaskType, status = q.Status, count = q.Count }).ToArray(),
            queue_by_status = s.Queue.GroupBy(static q => q.Status).ToDictionary(static g => g.Key, static g => g.Sum(static q => q.Count), StringComparer.Ordinal),
            backends = s.Backends.Select(static b => new
            {
                backend = b.Backend,
                total = b.Total,
                completed = b.Completed,
                failed = b.Failed,
                cancelled = b.Cancelled,
                open = b.Open,
                success_rate = b.SuccessRate,
                mean_run_ms = b.MeanRunMilliseconds,
                p95_run_ms = b.P95RunMilliseconds,
                mean_queue_ms = b.MeanQueueMilliseconds,
            }).ToArray(),
            workers = s.Workers.Select(static w => new { worker_id = w.WorkerId, running_tasks = w.RunningTasks, lease_until = w.LeaseUntil }).ToArray(),
            recent_failures = s.RecentFailures.Select(static f => new
            {
                task_id = f.TaskId.Value,
                task_type = f.TaskType,
                error = f.Error,
                attempts = f.Attempts,
                failed_at = f.FailedAt,
            }).ToArray(),
        });
    }

    private static bool TryQuery(HttpRequest request, string name, int min, int max, int fallback, out int value, out IResult? problem)
    {
        problem = null;
        value = fallback;
        string? text = request.Query[name];
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
        {
            return true;
        }

        problem = TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [name] = [$"must be an integer from {min} to {max}, got \"{text}\""] },
            title: "Invalid query parameter");
        return false;
    }
}
