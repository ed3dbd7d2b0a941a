using System.Net;
using System.Text.Json;
using QuantumLM.Abstractions.Security;
using QuantumLM.ReferenceHost.Tests.Infrastructure;
using static QuantumLM.ReferenceHost.Tests.Api.ApiTestKit;

namespace QuantumLM.ReferenceHost.Tests.Api;

public sealed class OrganismTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    internal const string Genome = """
        ORGANISM Probe {
          DNA {
            name: "probe"
          }

          GENOME {
            GENE Explore {
              purpose: "Explore"

              TRAITS {
                rate: 0.5 in [0, 1]
              }
            }
          }
        }

        """;

    [Theory]
    [InlineData(Role.Researcher)]
    [InlineData(Role.Admin)]
    public async Task Mutate_WithRole_QueuesTheTask(Role role)
    {
        TestUser r = await host.CreateUserAsync(role);
        Guid session = await CreateSessionAsync(r);
        JsonElement accepted = await (await r.Client.PostJsonAsync("/api/organisms/mutate", new { session_id = session, organism_genome = Genome, mutation_type = "evolve", seed = 42, mutation_parameters = new { rate = 0.2 } }))
            .JsonAsync(HttpStatusCode.Accepted);
        Guid taskId = accepted.GetProperty("task_id").GetGuid();
        JsonElement task = await (await r.Client.GetAsync($"/api/tasks/{taskId}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("organism:mutate", task.GetProperty("task_type").GetString());
        Assert.Equal(1, await CountAsync(host, "SELECT count(*) FROM task_queue WHERE task_id = $1 AND payload->>'operator' = 'evolve' AND (payload->>'seed')::bigint = 42 AND payload->>'genome' = $2 AND (payload->'parameters'->>'rate')::float8 = 0.2", taskId, Genome));
    }

    [Theory]
    [InlineData("""{"organism_genome": "ORGANISM X {\n  DNA {\n    name: \n  }\n}", "mutation_type": "evolve"}""", "organism_genome")]
    [InlineData("""{"organism_genome": "ORGANISM X {", "mutation_type": "evolve"}""", "organism_genome")]
    [InlineData("""{"mutation_type": "evolve"}""", "organism_genome")]
    [InlineData("""{"organism_genome": 5, "mutation_type": "evolve"}""", "organism_genome")]
    [InlineData("""{"organism_genome": "ORGANISM X {}", "mutation_type": "teleport"}""", "mutation_type")]
    [InlineData("""{"organism_genome": "ORGANISM X {}"}""", "mutation_type")]
    [InlineData("""{"organism_genome": "ORGANISM X {}", "mutation_type": "crossover"}""", "partner_genome")]
    [InlineData("""{"organism_genome": "ORGANISM X {}", "mutation_type": "evolve", "seed": -1}""", "seed")]
    [InlineData("""{"organism_genome": "ORGANISM X {}", "mutation_type": "evolve", "mutation_parameters": 3}""", "mutation_parameters")]
    [InlineData("""{"organism_genome": "ORGANISM X {}", "mutation_type": "quantum_enhance", "backend": "nowhere"}""", "backend")]
    [InlineData("""{"organism_genome": "ORGANISM X {}", "mutation_type": "evolve", "session_id": 1}""", "session_id")]
    [InlineData("""{"organism_genome": "ORGANISM X {}", """, "$")]
    public async Task Mutate_BadInput_Is400NamingTheField_AndWritesNothing(string json, string field)
    {
        TestUser r = await host.CreateUserAsync(Role.Researcher);
        await (await r.Client.PostRawAsync("/api/organisms/mutate", json)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await RowsOfAsync(host, r));
    }

    [Fact]
    public async Task Mutate_InvalidGenome_SaysLineAndColumn()
    {
        TestUser r = await host.CreateUserAsync(Role.Researcher);
        string? message = await (await r.Client.PostJsonAsync("/api/organisms/mutate", new { organism_genome = "ORGANISM X {\n  DNA {\n    name: \n  }\n}", mutation_type = "evolve" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "organism_genome");
        Assert.Matches(@"^[34]:\d+ ", message);
    }

    [Fact]
    public async Task SelfHeal_AcceptsBrokenText()
    {
        TestUser r = await host.CreateUserAsync(Role.Researcher);
        await (await r.Client.PostJsonAsync("/api/organisms/mutate", new { organism_genome = "ORGANISM X {", mutation_type = "self_heal" })).JsonAsync(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Mutate_Completes_AndTheChildIsReadableWithItsLineage_ButNotByOthers()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        TestUser r = await host.CreateUserAsync(Role.Researcher);
        TestUser other = await host.CreateUserAsync();
        Guid session = await CreateSessionAsync(r);
        Guid taskId = (await (await r.Client.PostJsonAsync("/api/organisms/mutate", new { session_id = session, organism_genome = Genome, mutation_type = "evolve", seed = 7 }))
            .JsonAsync(HttpStatusCode.Accepted)).GetProperty("task_id").GetGuid();
        JsonElement task;
        do
        {
            await Task.Delay(200, cts.Token);
            task = await (await r.Client.GetAsync($"/api/tasks/{taskId}", cts.Token)).JsonAsync(HttpStatusCode.OK);
        }
        while (task.GetProperty("status").GetString() is "pending" or "running");

        Assert.True(task.GetProperty("status").GetString() == "completed", task.ToString());
        Guid child = Guid.Parse(task.GetProperty("result").GetProperty("organism_id").GetString()!);
        JsonElement organism = await (await r.Client.GetAsync($"/api/organisms/{child}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(task.GetProperty("result").GetProperty("dna_sha256").GetString(), organism.GetProperty("dna_sha256").GetString());
        Assert.Equal(task.GetProperty("result").GetProperty("genome").GetString(), organism.GetProperty("dna_code").GetString());
        JsonElement lineage = await (await r.Client.GetAsync($"/api/organisms/{child}/lineage")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(lineage.GetProperty("ancestry").EnumerateArray(), e => e.GetProperty("organism_id").GetGuid() == child && e.GetProperty("operator").GetString() == "evolve");
        await (await other.Client.GetAsync($"/api/organisms/{child}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.Client.GetAsync($"/api/organisms/{child}/lineage")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DispatchOrganismEvolve_NeedsTheRole()
    {
        TestUser plain = await host.CreateUserAsync();
        TestUser researcher = await host.CreateUserAsync(Role.Researcher);
        var body = new { agent_type = "organism", task_type = "organism:evolve", task_payload = new { population = new[] { Genome, Genome }, config = new { generations = 1 } } };
        await (await plain.Client.PostJsonAsync("/api/agents/dispatch", body)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, await RowsOfAsync(host, plain));
        await (await researcher.Client.PostJsonAsync("/api/agents/dispatch", body)).JsonAsync(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Organism_NotVisible_Is404()
    {
        TestUser r = await host.CreateUserAsync(Role.Researcher);
        await (await r.Client.GetAsync($"/api/organisms/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await r.Client.GetAsync($"/api/organisms/{Guid.NewGuid()}/lineage")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
