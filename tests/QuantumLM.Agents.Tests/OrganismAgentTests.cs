using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;
using QuantumLM.Testing;
using static QuantumLM.Agents.Tests.PlatformHost;

namespace QuantumLM.Agents.Tests;

/// <summary>The organism agent end to end: dispatch → worker → organisms, lineage, evolution history and events.</summary>
public sealed class OrganismAgentTests : IClassFixture<PostgresDatabase>
{
    private const string Alpha = """
        ORGANISM Alpha {
          DNA {
            name: "alpha"
          }
          GENOME {
            GENE Explore {
              TRAITS {
                rate: 0.5
                depth: 3
              }
            }
            GENE Learn {
              TRAITS {
                speed: 0.25
              }
            }
          }
        }
        """;

    private const string Beta = """
        ORGANISM Beta {
          DNA {
            name: "beta"
          }
          GENOME {
            GENE Explore {
              TRAITS {
                rate: 0.9
                depth: 7
              }
            }
            GENE Learn {
              TRAITS {
                speed: 0.75
              }
            }
          }
        }
        """;

    private readonly PostgresDatabase _db;

    public OrganismAgentTests(PostgresDatabase db) => _db = db;

    private static string J(string s) => JsonSerializer.Serialize(s);

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private async Task<(AgentTask Task, UserId User)> RunAsync(IHost host, string taskType, string payload)
    {
        (UserId user, SessionId session) = await CreateUserAndSessionAsync(_db);
        TaskId id = await host.Services.GetRequiredService<AgentDispatcher>().DispatchAsync(Task(taskType, payload, user, session));
        return (await WaitForCompletedAsync(host, id, TimeSpan.FromSeconds(120)), user);
    }

    private Task<List<Dictionary<string, object?>>> OrganismsAsync(UserId user) =>
        QueryAsync(_db, "SELECT organism_id, name, dna_code, dna_hash, generation, parent_id, fitness, metrics, session_id FROM organisms WHERE user_id = $1 ORDER BY generation, created_at", user.Value);

    private Task<List<Dictionary<string, object?>>> LineageAsync(UserId user) =>
        QueryAsync(_db, "SELECT l.organism_id, l.parent_id, l.operator, l.generation FROM organism_lineage l JOIN organisms o ON o.organism_id = l.organism_id WHERE o.user_id = $1", user.Value);

    [Fact]
    public async Task Mutate_Evolve_StoresParentChildAndLineage()
    {
        using IHost host = await StartAsync(_db);
        (AgentTask done, UserId user) = await RunAsync(host, TaskType.OrganismMutate, $$"""{"genome":{{J(Alpha)}},"operator":"evolve","parameters":{"rate":1.0},"seed":42}""");
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        JsonElement r = done.Result!.Value;
        Assert.True(r.GetProperty("report").GetProperty("changes").GetInt32() > 0);

        var organisms = await OrganismsAsync(user);
        Assert.Equal(2, organisms.Count);
        var (parent, child) = (organisms[0], organisms[1]);
        Assert.Equal(0, parent["generation"]);
        Assert.Equal(1, child["generation"]);
        Assert.Equal(r.GetProperty("organism_id").GetString(), child["organism_id"]!.ToString());
        Assert.Equal(parent["organism_id"], child["parent_id"]);
        Assert.Equal(r.GetProperty("genome").GetString(), child["dna_code"]);
        Assert.NotEqual(parent["dna_code"], child["dna_code"]);
        // The database hashes the stored text itself; the engine's hash of its canonical text must agree.
        Assert.Equal(Sha256((string)child["dna_code"]!), child["dna_hash"]);
        Assert.Equal(r.GetProperty("dna_sha256").GetString(), child["dna_hash"]);

        var edge = Assert.Single(await LineageAsync(user));
        Assert.Equal(child["organism_id"], edge["organism_id"]);
        Assert.Equal(parent["organism_id"], edge["parent_id"]);
        Assert.Equal("evolve", edge["operator"]);
        var events = await QueryAsync(_db, "SELECT event_type FROM agent_events WHERE task_id = $1 AND event_type = 'organism_mutated'", done.Id.Value);
        Assert.Single(events);
        await host.StopAsync();
    }

    [Fact]
    public async Task Mutate_Crossover_HasTwoParents()
    {
        using IHost host = await StartAsync(_db);
        (AgentTask done, UserId user) = await RunAsync(host, TaskType.OrganismMutate, $$"""{"genome":{{J(Alpha)}},"partner_genome":{{J(Beta)}},"operator":"crossover","parameters":{"mode":"uniform"},"seed":3}""");
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        var organisms = await OrganismsAsync(user);
        Assert.Equal(3, organisms.Count);
        var edges = await LineageAsync(user);
        Assert.Equal(2, edges.Count);
        Assert.All(edges, e => Assert.Equal("crossover", e["operator"]));
        Assert.Equal(organisms.Where(o => (int)o["generation"]! == 0).Select(o => o["organism_id"]).OrderBy(x => x!.ToString()), edges.Select(e => e["parent_id"]).OrderBy(x => x!.ToString()));
        await host.StopAsync();
    }

    [Fact]
    public async Task Mutate_SelfHeal_RepairsBrokenText()
    {
        using IHost host = await StartAsync(_db);
        string broken = "ORGANISM Broken {\n  GENOME {\n    GENE G {\n      TRAITS {\n        x: 0.5\n";
        (AgentTask done, UserId user) = await RunAsync(host, TaskType.OrganismMutate, $$"""{"genome":{{J(broken)}},"operator":"self_heal"}""");
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        Assert.NotEmpty(done.Result!.Value.GetProperty("report").GetProperty("fixes").EnumerateArray());
        // The broken input cannot be stored as an organism: only the healed child is, without lineage.
        var organism = Assert.Single(await OrganismsAsync(user));
        Assert.Equal(done.Result!.Value.GetProperty("genome").GetString(), organism["dna_code"]);
        Assert.Empty(await LineageAsync(user));
        await host.StopAsync();
    }

    [Fact]
    public async Task Mutate_QuantumEnhance_RunsGhzOnLocal()
    {
        using IHost host = await StartAsync(_db);
        (AgentTask done, UserId user) = await RunAsync(host, TaskType.OrganismMutate, $$"""{"genome":{{J(Alpha)}},"operator":"quantum_enhance","parameters":{"qubits":3,"shots":512},"seed":9,"backend":"local"}""");
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        JsonElement report = done.Result!.Value.GetProperty("report");
        Assert.Equal("quantum_enhance", report.GetProperty("operator").GetString());
        Assert.False(report.GetProperty("fallback").GetBoolean());
        Assert.Equal("local", report.GetProperty("backend").GetString());
        // Noiseless GHZ₃ against its exact ideal: the counts only hold 000 and 111, so Λ is close to 1.
        Assert.InRange(report.GetProperty("metrics").GetProperty("lambda").GetDouble(), 0.99, 1.0);
        var child = (await OrganismsAsync(user))[1];
        Assert.NotNull(child["metrics"]);
        Assert.Equal("quantum_enhance", Assert.Single(await LineageAsync(user))["operator"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task Mutate_InvalidGenome_IsDeadLetteredWithLineAndColumn_AndWritesNothing()
    {
        using IHost host = await StartAsync(_db);
        string bad = "ORGANISM Bad {\n  GENOME {\n    GENE G {\n      TRAITS {\n        x: @\n      }\n    }\n  }\n}\n";
        (AgentTask failed, UserId user) = await RunAsync(host, TaskType.OrganismMutate, $$"""{"genome":{{J(bad)}},"operator":"evolve","seed":1}""");
        Assert.Equal(AgentTaskStatus.Failed, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Matches(new Regex(@"^dna: genome: 5:\d+ "), failed.Error!);
        Assert.Empty(await OrganismsAsync(user));
        await host.StopAsync();
    }

    [Fact]
    public async Task Mutate_UnknownParameter_IsNamed()
    {
        using IHost host = await StartAsync(_db);
        (AgentTask failed, _) = await RunAsync(host, TaskType.OrganismMutate, $$$"""{"genome":{{{J(Alpha)}}},"operator":"evolve","parameters":{"rte":0.5}}""");
        Assert.Equal(AgentTaskStatus.Failed, failed.Status);
        Assert.StartsWith("invalid_payload: parameters.rte: is not a parameter of evolve (known: flip_booleans, mode, rate, sigma)", failed.Error, StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task Evolve_StoresEveryOrganismLineageAndHistory_WithProgressEvents()
    {
        using IHost host = await StartAsync(_db);
        (AgentTask done, UserId user) = await RunAsync(host, TaskType.OrganismEvolve,
            $$$"""{"population":[{{{J(Alpha)}}},{{{J(Beta)}}}],"config":{"population_size":6,"generations":3,"elite":1,"seed":11,"shots":64}}""");
        Assert.Equal(AgentTaskStatus.Completed, done.Status);
        JsonElement r = done.Result!.Value;
        Guid runId = Guid.Parse(r.GetProperty("run_id").GetString()!);

        var organisms = await OrganismsAsync(user);
        Assert.Equal(r.GetProperty("organisms_created").GetInt32(), organisms.Count);
        // Generation 0: the two seeds plus four evolved copies; then five children per generation (one elite).
        Assert.InRange(organisms.Count, 2, 6 + (3 * 5));
        Assert.Equal(2, organisms.Count(o => (int)o["generation"]! == 0));
        Assert.All(organisms, o => Assert.Equal(Sha256((string)o["dna_code"]!), o["dna_hash"]));
        var edges = await LineageAsync(user);
        Assert.Equal(organisms.Count - 2, edges.Select(e => e["organism_id"]).Distinct().Count());

        var history = await QueryAsync(_db, "SELECT generation, population_size, survivors, best_organism_id, max_fitness, session_id FROM evolution_history WHERE run_id = $1 ORDER BY generation", runId);
        Assert.Equal([0, 1, 2, 3], history.Select(h => (int)h["generation"]!));
        Assert.All(history, h => Assert.Equal(6, h["population_size"]));
        Assert.All(history.Skip(1), h => Assert.Equal(1, h["survivors"]));
        Assert.All(history, h => Assert.NotNull(h["best_organism_id"]));
        Assert.All(history, h => Assert.NotNull(h["session_id"]));
        Assert.Equal(r.GetProperty("best").GetProperty("organism_id").GetString(), history[^1]["best_organism_id"]!.ToString());

        var progress = await QueryAsync(_db, "SELECT data->>'generation' AS g FROM agent_events WHERE task_id = $1 AND event_type = 'organism_generation' ORDER BY event_id", done.Id.Value);
        Assert.Equal(["0", "1", "2", "3"], progress.Select(p => (string)p["g"]!));
        await host.StopAsync();
    }

    [Fact]
    public async Task Evolve_InvalidGenomeInThePopulation_NamesItsIndex()
    {
        using IHost host = await StartAsync(_db);
        (AgentTask failed, UserId user) = await RunAsync(host, TaskType.OrganismEvolve, $$$"""{"population":[{{{J(Alpha)}}},"ORGANISM X {\n  GENE"],"config":{"generations":1}}""");
        Assert.Equal(AgentTaskStatus.Failed, failed.Status);
        Assert.Matches(new Regex(@"^dna: population\[1\]: 2:\d+ "), failed.Error!);
        Assert.Empty(await OrganismsAsync(user));
        await host.StopAsync();
    }
}
