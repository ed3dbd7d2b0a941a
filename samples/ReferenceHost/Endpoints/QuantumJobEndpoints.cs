using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Persistence.Postgres;
using QuantumLM.Quantum.Circuits;
using QuantumLM.Quantum.OpenQasm;
using QuantumLM.ReferenceHost.Http;

namespace QuantumLM.ReferenceHost.Endpoints;

/// <summary>Quantum jobs: submit (validated, then the job row and its <c>quantum:execute</c> task in one transaction), list, read, cancel; backends.</summary>
internal static class QuantumJobEndpoints
{
    private const int MaxCircuitChars = 1_000_000;

    public static RouteGroupBuilder MapQuantumJobEndpoints(this RouteGroupBuilder api)
    {
        RouteGroupBuilder quantum = api.MapGroup("/quantum").RequireAuthorization().WithTags("Quantum");
        quantum.MapPost("/jobs", SubmitAsync);
        quantum.MapGet("/jobs", ListAsync);
        quantum.MapGet("/jobs/{id:guid}", GetAsync);
        quantum.MapPost("/jobs/{id:guid}/cancel", CancelAsync);
        quantum.MapGet("/backends", BackendsAsync);
        return api;
    }

    private static async Task<IResult> SubmitAsync(HttpRequest request, ClaimsPrincipal user, IArenaSessionStore sessions, ITransactionalTaskQueue queue,
        QuantumBackendCatalog backends, JobListCache lists, IOptions<ApiOptions> options, CancellationToken ct)
    {
        (JsonBody? body, IResult? problem) = await JsonBody.ReadAsync(request, Math.Max(options.Value.MaxBodyBytes, 2 * MaxCircuitChars), ct);
        if (body is null)
        {
            return problem!;
        }

        string? circuitText = body.String("circuit", required: true, maxLength: MaxCircuitChars);
        string backendName = body.String("backend", required: false, maxLength: 100) ?? "local";
        long? shotsValue = body.Integer("shots", required: true, 1, int.MaxValue);
        long? seed = body.Has("seed") ? body.Integer("seed", required: true, 0, long.MaxValue) : null;
        Guid? sessionGuid = body.Uuid("session_id", required: false);
        JsonElement? ideal = body.Object("ideal", required: false);

        QuantumBackendCatalog.Entry? backend = null;
        if (body.Has("backend") && body.Errors.ContainsKey("backend"))
        {
            // already reported
        }
        else if ((backend = await backends.FindAsync(backendName, ct)) is null)
        {
            body.Fail("backend", $"unknown backend \"{backendName}\"; known: {string.Join(", ", (await backends.ListAsync(ct)).Select(static b => b.Name))}");
        }

        if (shotsValue is long n && backend is not null && n > backend.MaxShots)
        {
            body.Fail("shots", $"must be between 1 and {backend.MaxShots} on backend \"{backend.Name}\", got {n}");
        }

        Circuit? circuit = null;
        if (circuitText is not null)
        {
            try
            {
                circuit = OpenQasmParser.Parse(circuitText);
                if (circuit.QubitCount == 0)
                {
                    body.Fail("circuit", "the circuit declares no qubits");
                }
                else if (backend?.QubitCount is int max && circuit.QubitCount > max)
                {
                    body.Fail("circuit", $"the circuit has {circuit.QubitCount} qubits; backend \"{backend.Name}\" has {max}");
                }
                else if (circuit.ClbitCount == 0)
                {
                    body.Fail("circuit", "the circuit measures nothing (no classical bits)");
                }
            }
            catch (QuantumLmException ex) when (ex.ErrorCode is QuantumLmErrorCodes.InvalidCircuit or QuantumLmErrorCodes.CircuitTooLarge)
            {
                body.Fail("circuit", ex.Message);
            }
        }

        JsonObject? normalizedIdeal = ideal is { } i && circuit is not null ? NormalizeIdeal(i, circuit.ClbitCount, body) : null;
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

        JobId jobId = default;
        TaskId taskId;
        try
        {
            taskId = await queue.EnqueueWithRowsAsync(identity, async (plannedTask, writer, token) =>
            {
                QuantumJobRecord job = await writer.AddQuantumJobAsync(new NewQuantumJob
                {
                    UserId = user.GetUserId(),
                    SessionId = sessionId,
                    TaskId = plannedTask,
                    Backend = backend!.Name,
                    CircuitQasm = circuitText!,
                    Shots = (int)shotsValue!.Value,
                    Seed = seed,
                    NumQubits = circuit!.QubitCount,
                    Status = "queued",
                }, token);
                jobId = job.JobId;
                var payload = new JsonObject
                {
                    ["job_id"] = job.JobId.Value.ToString(),
                    ["circuit"] = circuitText,
                    ["shots"] = shotsValue.Value,
                    ["backend"] = backend.Name,
                };
                if (seed is long sd)
                {
                    payload["seed"] = sd;
                }

                if (normalizedIdeal is not null)
                {
                    payload["ideal"] = normalizedIdeal;
                }

                return new NewAgentTask
                {
                    TaskType = TaskType.Parse(TaskType.QuantumExecute),
                    Payload = JsonSerializer.SerializeToElement(payload),
                    SessionId = sessionId,
                    CreatedBy = user.GetUserId(),
                    IdempotencyKey = "quantum-job:" + job.JobId.Value.ToString("N"),
                };
            }, ct);
        }
        catch (QuantumLmException ex) when (ex.ErrorCode == QuantumLmErrorCodes.Forbidden)
        {
            return ApiProblems.Forbidden("submitting quantum jobs needs the experiments:create permission (researcher or admin)");
        }

        await lists.InvalidateAsync(user.GetUserId(), ct);
        return TypedResults.Accepted($"/api/quantum/jobs/{jobId.Value}", new { job_id = jobId.Value, task_id = taskId.Value, status = "queued" });
    }

    /// <summary>Checks an ideal distribution (bitstring → probability or count) and normalizes it to sum 1.</summary>
    private static JsonObject? NormalizeIdeal(JsonElement ideal, int width, JsonBody body)
    {
        var values = new List<(string Key, double Value)>();
        foreach (JsonProperty p in ideal.EnumerateObject())
        {
            string digits = p.Name.Replace(" ", string.Empty, StringComparison.Ordinal);
            if (digits.Length == 0 || digits.Any(static c => c is not ('0' or '1')))
            {
                body.Fail("ideal", $"key \"{p.Name}\" is not a bitstring of 0 and 1");
                return null;
            }

            if (digits.Length != width)
            {
                body.Fail("ideal", $"key \"{p.Name}\" has {digits.Length} bits; the circuit has {width} classical bits");
                return null;
            }

            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDouble(out double v) || !double.IsFinite(v) || v < 0)
            {
                body.Fail("ideal", $"the value of \"{p.Name}\" must be a non-negative finite number");
                return null;
            }

            values.Add((p.Name, v));
        }

        double sum = values.Sum(static v => v.Value);
        if (values.Count == 0 || sum <= 0)
        {
            body.Fail("ideal", "must have at least one outcome with a positive probability");
            return null;
        }

        var normalized = new JsonObject();
        foreach ((string key, double value) in values)
        {
            normalized[key] = value / sum;
        }

        return normalized;
    }

    private static async Task<IResult> ListAsync(HttpRequest request, ClaimsPrincipal user, JobListCache lists, CancellationToken ct)
    {
        if (!ApiProblems.TryQueryInt(request, "limit", 1, 1000, 50, out long limit, out IResult? problem))
        {
            return problem!;
        }

        return TypedResults.Bytes(await lists.GetAsync(user.GetDbIdentity(), user.GetUserId(), (int)limit, ct), "application/json");
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, IQuantumJobStore jobs, CancellationToken ct) =>
        await jobs.GetAsync(user.GetDbIdentity(), new JobId(id), ct) is { } job
            ? TypedResults.Ok(ApiJson.Job(job))
            : ApiProblems.NotFound("the job");

    private static async Task<IResult> CancelAsync(Guid id, ClaimsPrincipal user, IQuantumJobStore jobs, ITransactionalTaskQueue queue, JobListCache lists, IOptions<QuantumLmPostgresOptions> pg, CancellationToken ct)
    {
        DbIdentity identity = user.GetDbIdentity();
        QuantumJobRecord? job = await jobs.GetAsync(identity, new JobId(id), ct);
        if (job is null)
        {
            return ApiProblems.NotFound("the job");
        }

        if (job.Status is "completed" or "failed" or "cancelled")
        {
            return ApiProblems.Status(StatusCodes.Status409Conflict, "Job already finished", $"the job is {job.Status}");
        }

        // The caller may see the job; cancelling its task is checked again by the database (owner or jobs:manage).
        bool taskCancelled = job.TaskId is { } t && await queue.CancelAsync(identity, t, ct);
        if (!taskCancelled && job.TaskId is not null)
        {
            QuantumJobRecord? now = await jobs.GetAsync(identity, job.JobId, ct);
            return ApiProblems.Status(StatusCodes.Status409Conflict, "Job already finished", $"the job is {now?.Status ?? "gone"}");
        }

        // The job row is written by services (the user's RLS context may not update it): record the cancellation as the host.
        DbIdentity host = DbIdentity.ForService(pg.Value.ServiceName + ":api");
        QuantumJobRecord? cancelled = await jobs.FinishAsync(host, job.JobId, "cancelled", null, null, "cancelled by user:" + user.GetUserId().Value.ToString("D", CultureInfo.InvariantCulture), ct);
        await lists.InvalidateAsync(user.GetUserId(), ct);
        return TypedResults.Ok(ApiJson.Job(cancelled ?? job with { Status = "cancelled" }));
    }

    private static async Task<IResult> BackendsAsync(QuantumBackendCatalog backends, CancellationToken ct) =>
        TypedResults.Ok(new
        {
            backends = (await backends.ListAsync(ct)).Select(static b => new
            {
                name = b.Name,
                operational = b.IsOperational,
                status_message = b.StatusMessage,
                pending_jobs = b.PendingJobs,
                num_qubits = b.QubitCount,
                max_shots = b.MaxShots,
                simulator = b.IsSimulator,
            }).ToArray(),
        });
}
