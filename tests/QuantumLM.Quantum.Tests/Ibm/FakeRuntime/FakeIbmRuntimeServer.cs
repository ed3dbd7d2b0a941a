using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace QuantumLM.Quantum.Tests.Ibm.FakeRuntime;

/// <summary>What a fault does to the request it matches.</summary>
public enum FaultKind
{
    /// <summary>Answer with <see cref="Fault.Status"/> (and <see cref="Fault.RetryAfter"/> when set) without handling the request.</summary>
    Status,

    /// <summary>Wait <see cref="Fault.Delay"/>, then handle the request normally (a slow response).</summary>
    Delay,

    /// <summary>Drop the connection before the request is handled (nothing happens on the server).</summary>
    DropBefore,

    /// <summary>Handle the request (a job is created), then drop the connection before the answer is sent.</summary>
    DropAfter,

    /// <summary>Treat the request's bearer token as expired: revoke it and answer 401.</summary>
    ExpireToken,

    /// <summary>Handle the request, then answer <see cref="Fault.Status"/> instead of the real answer (the job was created).</summary>
    StatusAfter,

    /// <summary>Answer 200 with <see cref="Fault.Body"/> (malformed or hostile JSON) instead of the real answer.</summary>
    Garbage,
}

/// <summary>A fault injected into the next <see cref="Remaining"/> requests matching <see cref="Method"/> and <see cref="PathPattern"/>.</summary>
public sealed class Fault
{
    public required string Method { get; init; }

    public required string PathPattern { get; init; }

    public required FaultKind Kind { get; init; }

    public int Status { get; init; } = 503;

    public string? RetryAfter { get; init; }

    public TimeSpan Delay { get; init; }

    public int Remaining { get; set; } = 1;

    public string Body { get; init; } = "{not json";
}

/// <summary>One request as the fake server saw it.</summary>
public sealed record RequestRecord(string Method, string Path, string Query, string? Authorization, string? ServiceCrn, string? ApiVersion, string? Accept, string? ContentType, string? Body, DateTimeOffset At);

/// <summary>How a job ends.</summary>
public sealed record JobOutcome(string FinalStatus, int? ReasonCode = null, string? Reason = null, string? TopStatus = null)
{
    public static JobOutcome Completed { get; } = new("Completed");
}

/// <summary>A classical register of a fake result and its per-shot integer values (bit k = clbit k).</summary>
public sealed record FakeRegister(string Name, int NumBits, IReadOnlyList<BigInteger> Samples);

public sealed class FakeJob
{
    public required string Id { get; init; }

    public required string Backend { get; init; }

    public required JsonObject Request { get; init; }

    public required List<string> Tags { get; set; }

    public string? SessionId { get; init; }

    public required DateTimeOffset Created { get; init; }

    public string Status { get; set; } = "Queued";

    public string? TopStatus { get; set; }

    public int? ReasonCode { get; set; }

    public string? Reason { get; set; }

    public int Polls { get; set; }

    public bool SupportQiskit => Request["params"]?["support_qiskit"]?.GetValue<bool>() ?? false;

    public bool IsFinal => Status is "Completed" or "Failed" or "Cancelled";
}

public sealed class FakeBackend
{
    public required string Name { get; init; }

    public int Qubits { get; init; } = 156;

    public string StatusName { get; set; } = "online";

    public string StatusReason { get; set; } = "available";

    public int QueueLength { get; set; }

    public string Revision { get; init; } = "2";

    public bool InMaintenance => StatusReason == "maintenance";
}

/// <summary>
/// A local IBM Quantum Runtime + IAM on Kestrel (127.0.0.1, random port) that behaves like the service of
/// ibm-runtime.md: the same paths, headers, JSON shapes, job state machine and both result encodings, plus fault injection.
/// </summary>
public sealed partial class FakeIbmRuntimeServer : IAsyncDisposable
{
    public const string DefaultApiKey = "SECRET-test-api-key-0123456789";
    public const string DefaultCrn = "crn:v1:bluemix:public:quantum-computing:us-east:a/0000:1111::";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte> _validTokens = new();
    private readonly List<Fault> _faults = [];
    private readonly ConcurrentDictionary<string, JsonObject> _sessions = new();
    private int _jobCounter;
    private int _tokenCounter;

    private FakeIbmRuntimeServer(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
    }

    public Uri Root { get; }

    public Uri BaseUrl => new(Root, "api/v1");

    public Uri IamUrl => Root;

    public string ApiKey { get; set; } = DefaultApiKey;

    public string Crn { get; set; } = DefaultCrn;

    public long TokenLifetimeSeconds { get; set; } = 3600;

    public ConcurrentQueue<RequestRecord> Requests { get; } = new();

    public ConcurrentQueue<string> IssuedTokens { get; } = new();

    public ConcurrentDictionary<string, FakeJob> Jobs { get; } = new();

    public List<FakeBackend> Backends { get; } =
    [
        new() { Name = "ibm_fez", Qubits = 156, QueueLength = 24 },
        new() { Name = "ibm_torino", Qubits = 133, QueueLength = 7, Revision = "1" },
        new() { Name = "ibm_marrakesh", Qubits = 156, QueueLength = 15, StatusName = "paused", StatusReason = "maintenance" },
    ];

    /// <summary>Gets or sets how many status polls a job stays Queued, then Running.</summary>
    public int QueuedPolls { get; set; } = 1;

    public int RunningPolls { get; set; } = 1;

    public Func<FakeJob, JobOutcome> Outcome { get; set; } = static _ => JobOutcome.Completed;

    /// <summary>Produces the measured values of a completed job; by default Bell-like: even shots all 0, odd shots all 1, for every register declared in the QASM.</summary>
    public Func<FakeJob, IReadOnlyList<FakeRegister>> ResultFactory { get; set; } = DefaultResults;

    public static async Task<FakeIbmRuntimeServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeIbmRuntimeServer? server = null;
        app.Use(async (ctx, next) => await server!.MiddlewareAsync(ctx, next));
        MapEndpoints(app, () => server!);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeIbmRuntimeServer(app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    public void AddFault(Fault fault)
    {
        lock (_faults)
        {
            _faults.Add(fault);
        }
    }

    public void RevokeAllTokens() => _validTokens.Clear();

    public IReadOnlyList<RequestRecord> RequestsTo(string method, string pathPattern) =>
        [.. Requests.Where(r => r.Method == method && Regex.IsMatch(r.Path, "^" + pathPattern + "$"))];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public static IReadOnlyList<FakeRegister> DefaultResults(FakeJob job)
    {
        var pub = job.Request["params"]!["pubs"]!.AsArray()[0]!.AsArray();
        string qasm = pub[0]!.GetValue<string>();
        int shots = pub.Count > 2 && pub[2] is not null ? pub[2]!.GetValue<int>() : job.Request["params"]?["shots"]?.GetValue<int>() ?? 4096;
        var registers = new List<FakeRegister>();
        foreach (Match m in RegisterDecl().Matches(qasm))
        {
            string name = m.Groups["n1"].Success ? m.Groups["n1"].Value : m.Groups["n2"].Value;
            int bits = int.Parse(m.Groups["w1"].Success ? m.Groups["w1"].Value : m.Groups["w2"].Value, CultureInfo.InvariantCulture);
            BigInteger ones = (BigInteger.One << bits) - 1;
            registers.Add(new FakeRegister(name, bits, [.. Enumerable.Range(0, shots).Select(s => s % 2 == 0 ? BigInteger.Zero : ones)]));
        }

        return registers;
    }

    public static string PlainResult(IReadOnlyList<FakeRegister> registers)
    {
        var data = new JsonObject();
        foreach (var r in registers)
        {
            data[r.Name] = new JsonObject
            {
                ["samples"] = new JsonArray([.. r.Samples.Select(v => (JsonNode)JsonValue.Create("0x" + ToHex(v)))]),
                ["num_bits"] = r.NumBits,
            };
        }

        int shots = registers.Count == 0 ? 0 : registers[0].Samples.Count;
        var root = new JsonObject
        {
            ["results"] = new JsonArray(new JsonObject { ["data"] = data, ["metadata"] = new JsonObject { ["circuit_metadata"] = new JsonObject() } }),
            ["metadata"] = JsonNode.Parse($$"""{"execution": {"execution_spans": [[{"date": "2025-09-02T05:30:55.420561"}, {"date": "2025-09-02T05:30:56.388795"}, {"0": [[{{shots}}], [0, 1], [0, {{shots}}]]}]]}, "version": 2}"""),
        };
        return root.ToJsonString();
    }

    public static string QiskitResult(IReadOnlyList<FakeRegister> registers)
    {
        var fields = new JsonObject();
        foreach (var r in registers)
        {
            int bpr = (r.NumBits + 7) / 8;
            string array = FakeNpy.Compress(FakeNpy.Npy("|u1", [r.Samples.Count, bpr], FakeNpy.Rows(r.Samples, r.NumBits)));
            fields[r.Name] = new JsonObject
            {
                ["__type__"] = "BitArray",
                ["__value__"] = new JsonObject { ["array"] = new JsonObject { ["__type__"] = "ndarray", ["__value__"] = array }, ["num_bits"] = r.NumBits },
            };
        }

        var root = new JsonObject
        {
            ["__type__"] = "PrimitiveResult",
            ["__value__"] = new JsonObject
            {
                ["pub_results"] = new JsonArray(new JsonObject
                {
                    ["__type__"] = "SamplerPubResult",
                    ["__value__"] = new JsonObject
                    {
                        ["data"] = new JsonObject
                        {
                            ["__type__"] = "DataBin",
                            ["__value__"] = new JsonObject
                            {
                                ["field_names"] = new JsonArray([.. registers.Select(r => (JsonNode)JsonValue.Create(r.Name))]),
                                ["shape"] = new JsonArray(),
                                ["fields"] = fields,
                            },
                        },
                        ["metadata"] = new JsonObject { ["circuit_metadata"] = new JsonObject() },
                    },
                }),
                ["metadata"] = new JsonObject { ["version"] = 2 },
            },
        };
        return root.ToJsonString();
    }

    private static string ToHex(BigInteger v) => v.IsZero ? "0" : v.ToString("x", CultureInfo.InvariantCulture).TrimStart('0') is { Length: > 0 } h ? h : "0";

    [GeneratedRegex(@"(?:bit\[(?<w1>\d+)\]\s+(?<n1>\w+)\s*;)|(?:creg\s+(?<n2>\w+)\[(?<w2>\d+)\]\s*;)")]
    private static partial Regex RegisterDecl();

    private static IResult Error(int status, object code, string message) =>
        Results.Json(new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["code"] = JsonValue.Create(code), ["message"] = message, ["more_info"] = "https://quantum.cloud.ibm.com/docs/errors" }), ["trace"] = Guid.NewGuid().ToString() }, statusCode: status);

    private async Task MiddlewareAsync(HttpContext ctx, RequestDelegate next)
    {
        ctx.Request.EnableBuffering();
        string? body = null;
        if (ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8, leaveOpen: true);
            body = await reader.ReadToEndAsync();
            ctx.Request.Body.Position = 0;
        }

        var h = ctx.Request.Headers;
        Requests.Enqueue(new RequestRecord(ctx.Request.Method, ctx.Request.Path.Value ?? string.Empty, ctx.Request.QueryString.Value ?? string.Empty,
            h.Authorization.Count > 0 ? h.Authorization.ToString() : null, h["Service-CRN"].Count > 0 ? h["Service-CRN"].ToString() : null,
            h["IBM-API-Version"].Count > 0 ? h["IBM-API-Version"].ToString() : null, h.Accept.Count > 0 ? h.Accept.ToString() : null,
            ctx.Request.ContentType, body, DateTimeOffset.UtcNow));

        Fault? fault = null;
        lock (_faults)
        {
            fault = _faults.FirstOrDefault(f => f.Remaining > 0 && f.Method == ctx.Request.Method && Regex.IsMatch(ctx.Request.Path.Value ?? string.Empty, "^" + f.PathPattern + "$"));
            if (fault is not null)
            {
                fault.Remaining--;
            }
        }

        switch (fault?.Kind)
        {
            case FaultKind.Status:
                if (fault.RetryAfter is not null)
                {
                    ctx.Response.Headers.RetryAfter = fault.RetryAfter;
                }

                await Error(fault.Status, fault.Status == 429 ? "1352" : "5000", fault.Status == 429 ? "Too many requests." : $"Injected failure {fault.Status}.").ExecuteAsync(ctx);
                return;
            case FaultKind.Delay:
                await Task.Delay(fault.Delay, ctx.RequestAborted);
                break;
            case FaultKind.Garbage:
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync(fault.Body);
                return;
            case FaultKind.DropBefore:
                ctx.Abort();
                return;
            case FaultKind.ExpireToken:
                string presented = ctx.Request.Headers.Authorization.ToString().Replace("Bearer ", string.Empty, StringComparison.Ordinal);
                _validTokens.TryRemove(presented, out _);
                await Error(401, 1219, "Error authenticating user: token expired.").ExecuteAsync(ctx);
                return;
            case FaultKind.DropAfter or FaultKind.StatusAfter:
                var original = ctx.Response.Body;
                ctx.Response.Body = new MemoryStream();
                await HandleAuthenticatedAsync(ctx, next);
                if (fault.Kind == FaultKind.DropAfter)
                {
                    ctx.Abort();
                    return;
                }

                ctx.Response.Body = original;
                ctx.Response.Clear();
                await Error(fault.Status, "5000", $"Injected failure {fault.Status} after handling.").ExecuteAsync(ctx);
                return;
        }

        await HandleAuthenticatedAsync(ctx, next);
    }

    private async Task HandleAuthenticatedAsync(HttpContext ctx, RequestDelegate next)
    {
        string path = ctx.Request.Path.Value ?? string.Empty;
        if (path.StartsWith("/api/v1/", StringComparison.Ordinal) && path != "/api/v1/versions")
        {
            string auth = ctx.Request.Headers.Authorization.ToString();
            bool tokenOk = auth.StartsWith("Bearer ", StringComparison.Ordinal) && _validTokens.ContainsKey(auth["Bearer ".Length..]);
            if (!tokenOk || ctx.Request.Headers["Service-CRN"].ToString() != Crn)
            {
                await Error(401, 1219, "Error authenticating user.").ExecuteAsync(ctx);
                return;
            }
        }

        await next(ctx);
    }

    private static void MapEndpoints(WebApplication app, Func<FakeIbmRuntimeServer> s)
    {
        app.MapPost("/identity/token", async (HttpContext ctx) =>
        {
            var server = s();
            var form = await ctx.Request.ReadFormAsync();
            if (form["grant_type"] != "urn:ibm:params:oauth:grant-type:apikey")
            {
                return Results.Json(new { errorCode = "BXNIM0109E", errorMessage = "Property missing or empty. Operation not supported." }, statusCode: 400);
            }

            if (form["apikey"] != server.ApiKey)
            {
                return Results.Json(new { errorCode = "BXNIM0415E", errorMessage = "Provided API key could not be found.", context = new { requestId = "r1", url = "https://iam.cloud.ibm.com" } }, statusCode: 400);
            }

            int n = Interlocked.Increment(ref server._tokenCounter);
            string token = $"fake-access-token-{n}-{Guid.NewGuid():N}";
            server._validTokens[token] = 0;
            server.IssuedTokens.Enqueue(token);
            return Results.Json(new JsonObject
            {
                ["access_token"] = token,
                ["refresh_token"] = "not_supported",
                ["token_type"] = "Bearer",
                ["expires_in"] = server.TokenLifetimeSeconds,
                ["expiration"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + server.TokenLifetimeSeconds,
                ["scope"] = "ibm_openid",
            });
        });

        var api = app.MapGroup("/api/v1");
        api.MapGet("/versions", () => Results.Json(new { versions = new[] { "2024-01-01", "2025-01-01", "2025-05-01", "2026-02-15", "2026-04-15" } }));
        api.MapGet("/backends", () => Results.Json(new JsonObject
        {
            ["devices"] = new JsonArray([.. s().Backends.Select(b => (JsonNode)new JsonObject
            {
                ["name"] = b.Name,
                ["status"] = new JsonObject { ["name"] = b.StatusName, ["reason"] = b.StatusReason },
                ["is_simulator"] = false,
                ["qubits"] = b.Qubits,
                ["processor_type"] = new JsonObject { ["family"] = "Heron", ["revision"] = b.Revision },
                ["queue_length"] = b.QueueLength,
                ["clops"] = new JsonObject { ["type"] = "hardware", ["value"] = 195000 },
            })]),
        }));
        api.MapGet("/backends/{name}/status", (string name) => s().Backends.FirstOrDefault(b => b.Name == name) is { } b
            ? Results.Json(b.InMaintenance
                ? new JsonObject { ["state"] = false, ["status"] = "maintenance", ["message"] = "maintenance", ["length_queue"] = b.QueueLength, ["backend_version"] = "" }
                : new JsonObject { ["state"] = true, ["status"] = "active", ["message"] = "available", ["length_queue"] = b.QueueLength, ["backend_version"] = "1.2.8" })
            : Error(404, 1216, $"Backend {name} not found."));
        api.MapGet("/backends/{name}/configuration", (string name) => s().Backends.FirstOrDefault(b => b.Name == name) is { } b
            ? Results.Json(new JsonObject
            {
                ["backend_name"] = b.Name,
                ["backend_version"] = "1.2.8",
                ["n_qubits"] = b.Qubits,
                ["basis_gates"] = new JsonArray("cz", "id", "rz", "sx", "x"),
                ["supported_instructions"] = new JsonArray("cz", "id", "delay", "measure", "reset", "rz", "sx", "x", "if_else", "for_loop", "switch_case"),
                ["coupling_map"] = new JsonArray([.. Enumerable.Range(0, b.Qubits - 1).SelectMany(i => new[] { (JsonNode)new JsonArray(i, i + 1), new JsonArray(i + 1, i) })]),
                ["max_shots"] = 100000,
                ["max_experiments"] = 300,
                ["simulator"] = false,
                ["processor_type"] = new JsonObject { ["family"] = "Heron", ["revision"] = b.Revision },
                ["dt"] = 4.0,
                ["supported_features"] = new JsonArray("qobj", "parameters", "qasm3"),
            })
            : Error(404, 1216, $"Backend {name} not found."));
        api.MapGet("/backends/{name}/properties", (string name) => s().Backends.FirstOrDefault(b => b.Name == name) is { } b
            ? Results.Json(new JsonObject
            {
                ["backend_name"] = "reported-name-is-overwritten",
                ["backend_version"] = "1.2.8",
                ["last_update_date"] = "2025-02-26T08:00:00Z",
                ["qubits"] = new JsonArray([.. Enumerable.Range(0, 3).Select(q => (JsonNode)new JsonArray(
                    new JsonObject { ["date"] = "2025-02-26T08:00:00Z", ["name"] = "T1", ["unit"] = "us", ["value"] = 100.0 + q },
                    new JsonObject { ["date"] = "2025-02-26T08:00:00Z", ["name"] = "T2", ["unit"] = "us", ["value"] = 80.0 + q },
                    new JsonObject { ["date"] = "2025-02-26T08:00:00Z", ["name"] = "readout_error", ["unit"] = "", ["value"] = 0.01 * (q + 1) },
                    new JsonObject { ["date"] = "2025-02-26T08:00:00Z", ["name"] = "readout_length", ["unit"] = "ns", ["value"] = 1560 }))]),
                ["gates"] = new JsonArray(new JsonObject
                {
                    ["qubits"] = new JsonArray(0, 1),
                    ["gate"] = "cz",
                    ["name"] = "cz0_1",
                    ["parameters"] = new JsonArray(
                        new JsonObject { ["date"] = "2025-02-26T08:00:00Z", ["name"] = "gate_error", ["unit"] = "", ["value"] = 0.0279 },
                        new JsonObject { ["date"] = "2025-02-26T08:00:00Z", ["name"] = "gate_length", ["unit"] = "ns", ["value"] = 84 }),
                }),
                ["general"] = new JsonArray(),
            })
            : Error(404, 1216, $"Backend {name} not found."));
        api.MapGet("/instances/usage", () => Results.Json(new JsonObject
        {
            ["instance_id"] = DefaultCrn,
            ["plan_id"] = "open",
            ["usage_consumed_seconds"] = 6000,
            ["usage_period"] = new JsonObject { ["start_time"] = "2025-09-01T00:00:00Z", ["end_time"] = "2025-09-30T23:59:59Z" },
            ["usage_allocation_seconds"] = 90000,
            ["usage_limit_reached"] = false,
        }));

        api.MapPost("/jobs", async (HttpContext ctx) =>
        {
            var server = s();
            JsonObject? body;
            try
            {
                body = (await JsonNode.ParseAsync(ctx.Request.Body))?.AsObject();
            }
            catch (JsonException)
            {
                return Error(400, 1500, "Invalid JSON body.");
            }

            if (body?["program_id"]?.GetValue<string>() is not ("sampler" or "estimator"))
            {
                return Error(404, 1210, "Program not found.");
            }

            string backend = body["backend"]?.GetValue<string>() ?? string.Empty;
            if (server.Backends.All(b => b.Name != backend))
            {
                return Error(404, 1216, $"Backend {backend} not found.");
            }

            var pubs = body["params"]?["pubs"] as JsonArray;
            if (pubs is null || pubs.Count == 0 || body["params"]?["version"]?.GetValue<int>() != 2)
            {
                return Error(400, 1501, "params.pubs must be a non-empty list and params.version must be 2.");
            }

            int n = Interlocked.Increment(ref server._jobCounter);
            var job = new FakeJob
            {
                Id = $"fakejob{n:D4}qlm",
                Backend = backend,
                Request = body,
                Tags = [.. (body["tags"] as JsonArray ?? []).Select(t => t!.GetValue<string>())],
                SessionId = body["session_id"]?.GetValue<string>(),
                Created = DateTimeOffset.UtcNow,
            };
            server.Jobs[job.Id] = job;
            return Results.Json(new JsonObject { ["id"] = job.Id, ["backend"] = backend });
        });

        api.MapGet("/jobs", (HttpContext ctx) =>
        {
            var server = s();
            var q = ctx.Request.Query;
            IEnumerable<FakeJob> jobs = server.Jobs.Values;
            foreach (string? tag in q["tags"])
            {
                jobs = jobs.Where(j => j.Tags.Contains(tag!));
            }

            if (q["backend"].Count > 0)
            {
                jobs = jobs.Where(j => j.Backend == q["backend"].ToString());
            }

            if (q["pending"].Count > 0)
            {
                bool pending = q["pending"] == "true";
                jobs = jobs.Where(j => j.IsFinal != pending);
            }

            jobs = q["sort"] == "ASC" ? jobs.OrderBy(j => j.Id, StringComparer.Ordinal) : jobs.OrderByDescending(j => j.Id, StringComparer.Ordinal);
            var all = jobs.ToList();
            int limit = q["limit"].Count > 0 ? int.Parse(q["limit"]!, CultureInfo.InvariantCulture) : 200;
            int offset = q["offset"].Count > 0 ? int.Parse(q["offset"]!, CultureInfo.InvariantCulture) : 0;
            return Results.Json(new JsonObject
            {
                ["jobs"] = new JsonArray([.. all.Skip(offset).Take(limit).Select(j => (JsonNode)JobJson(j))]),
                ["count"] = all.Count,
                ["limit"] = limit,
                ["offset"] = offset,
            });
        });

        api.MapGet("/jobs/{id}", (string id) =>
        {
            var server = s();
            if (!server.Jobs.TryGetValue(id, out var job))
            {
                return Error(404, 1291, $"Job not found. Job ID: {id}");
            }

            lock (job)
            {
                server.Advance(job);
                return Results.Json(JobJson(job));
            }
        });

        api.MapPost("/jobs/{id}/cancel", (string id) =>
        {
            var server = s();
            if (!server.Jobs.TryGetValue(id, out var job))
            {
                return Error(404, 1291, $"Job not found. Job ID: {id}");
            }

            lock (job)
            {
                if (job.IsFinal)
                {
                    return Error(409, 1240, $"Job {id} is already in a final state and cannot be cancelled.");
                }

                job.Status = "Cancelled";
                job.TopStatus = "Cancelled";
                return Results.NoContent();
            }
        });

        api.MapDelete("/jobs/{id}", (string id) => s().Jobs.TryRemove(id, out _) ? Results.NoContent() : Error(404, 1291, $"Job not found. Job ID: {id}"));

        api.MapGet("/jobs/{id}/results", (string id) =>
        {
            var server = s();
            if (!server.Jobs.TryGetValue(id, out var job))
            {
                return Error(404, 1291, $"Job not found. Job ID: {id}");
            }

            if (job.Status != "Completed")
            {
                return Error(400, 1234, "Cannot get results for a job in a non-terminal state.");
            }

            var registers = server.ResultFactory(job);
            return Results.Text(job.SupportQiskit ? QiskitResult(registers) : PlainResult(registers), "application/json");
        });

        api.MapGet("/jobs/{id}/metrics", (string id) => s().Jobs.TryGetValue(id, out var job)
            ? Results.Json(new JsonObject
            {
                ["timestamps"] = new JsonObject { ["created"] = job.Created.ToString("O"), ["running"] = job.Created.AddSeconds(1).ToString("O"), ["finished"] = job.IsFinal ? job.Created.AddSeconds(2).ToString("O") : null },
                ["usage"] = new JsonObject { ["quantum_seconds"] = 2, ["seconds"] = 2, ["qpu_charge_time_seconds"] = 2.5, ["status"] = job.IsFinal ? "final" : "pending" },
                ["bss"] = new JsonObject { ["seconds"] = 2 },
                ["qiskit_version"] = "2.1.0",
                ["position_in_queue"] = job.IsFinal ? null : 3,
            })
            : Error(404, 1291, $"Job not found. Job ID: {id}"));

        api.MapPut("/jobs/{id}/tags", async (string id, HttpContext ctx) =>
        {
            if (!s().Jobs.TryGetValue(id, out var job))
            {
                return Error(404, 1291, $"Job not found. Job ID: {id}");
            }

            var body = (await JsonNode.ParseAsync(ctx.Request.Body))!.AsObject();
            job.Tags = [.. body["tags"]!.AsArray().Select(t => t!.GetValue<string>())];
            return Results.NoContent();
        });

        api.MapPost("/sessions", async (HttpContext ctx) =>
        {
            var body = (await JsonNode.ParseAsync(ctx.Request.Body))!.AsObject();
            string mode = body["mode"]?.GetValue<string>() ?? string.Empty;
            if (mode is not ("batch" or "dedicated"))
            {
                return Error(400, 1502, "mode must be batch or dedicated.");
            }

            string id = "fakesession" + Guid.NewGuid().ToString("N")[..8];
            var session = new JsonObject
            {
                ["id"] = id,
                ["backend_name"] = body["backend"]?.GetValue<string>(),
                ["state"] = "open",
                ["accepting_jobs"] = true,
                ["mode"] = mode,
                ["max_ttl"] = body["max_ttl"]?.GetValue<int>() ?? 28800,
                ["started_at"] = "2025-09-02T05:30:40Z",
            };
            s()._sessions[id] = session;
            return Results.Json(session);
        });
        api.MapGet("/sessions/{id}", (string id) => s()._sessions.TryGetValue(id, out var session) ? Results.Json(session) : Error(404, 1300, $"Session {id} not found."));
        api.MapMethods("/sessions/{id}", ["PATCH"], async (string id, HttpContext ctx) =>
        {
            if (!s()._sessions.TryGetValue(id, out var session))
            {
                return Error(404, 1300, $"Session {id} not found.");
            }

            var body = (await JsonNode.ParseAsync(ctx.Request.Body))!.AsObject();
            session["accepting_jobs"] = body["accepting_jobs"]!.GetValue<bool>();
            session["state"] = "inactive";
            return Results.NoContent();
        });
        api.MapDelete("/sessions/{id}/close", (string id) =>
        {
            if (!s()._sessions.TryGetValue(id, out var session))
            {
                return Error(404, 1300, $"Session {id} not found.");
            }

            session["state"] = "closed";
            session["accepting_jobs"] = false;
            return Results.NoContent();
        });
    }

    private static JsonObject JobJson(FakeJob job)
    {
        var state = new JsonObject { ["status"] = job.Status };
        if (job.Reason is not null)
        {
            state["reason"] = job.Reason;
        }

        if (job.ReasonCode is int code)
        {
            state["reason_code"] = code;
        }

        return new JsonObject
        {
            ["id"] = job.Id,
            ["backend"] = job.Backend,
            ["state"] = state,
            ["status"] = job.TopStatus ?? job.Status,
            ["program"] = new JsonObject { ["id"] = job.Request["program_id"]!.GetValue<string>() },
            ["created"] = job.Created.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ["cost"] = 600,
            ["session_id"] = job.SessionId,
            ["tags"] = new JsonArray([.. job.Tags.Select(t => (JsonNode)JsonValue.Create(t))]),
            ["usage"] = new JsonObject { ["seconds"] = job.Status == "Completed" ? 2 : 0 },
            ["estimated_running_time_seconds"] = 1.9,
        };
    }

    private void Advance(FakeJob job)
    {
        if (job.IsFinal)
        {
            return;
        }

        job.Polls++;
        if (job.Polls <= QueuedPolls)
        {
            job.Status = "Queued";
        }
        else if (job.Polls <= QueuedPolls + RunningPolls)
        {
            job.Status = "Running";
        }
        else
        {
            var outcome = Outcome(job);
            job.Status = outcome.FinalStatus;
            job.TopStatus = outcome.TopStatus;
            job.ReasonCode = outcome.ReasonCode;
            job.Reason = outcome.Reason;
        }
    }
}
