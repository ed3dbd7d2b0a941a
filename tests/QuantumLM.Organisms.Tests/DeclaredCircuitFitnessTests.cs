using Microsoft.Extensions.Options;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Organisms;
using QuantumLM.Quantum.Metrics;
using QuantumLM.Quantum.OpenQasm;
using QuantumLM.Quantum.Simulation;

namespace QuantumLM.Organisms.Tests;

public sealed class DeclaredCircuitFitnessTests
{
    private static readonly Organism Aura = DnaText.Parse(DnaTextTests.Fixture("aura_research_001.dna"));

    private static LocalSimulatorBackend Local() => new(Options.Create(new LocalSimulatorOptions()));

    private static Organism Climber(double a, double b, string ideal = "ideal: { outcomes: [\"11\"]  probabilities: [1.0] }") => DnaText.Parse($$"""
        ORGANISM Climber {
          GENOME {
            GENE Angles {
              TRAITS {
                a: {{a.ToString(System.Globalization.CultureInfo.InvariantCulture)}}
                b: {{b.ToString(System.Globalization.CultureInfo.InvariantCulture)}}
              }
            }
          }
          QUANTUM {
            circuits: {
              target: {
                qubits: 2
                gates: ["ry", "cx", "measure"]
                {{ideal}}
              }
            }
          }
        }
        """);

    [Fact]
    public void AuraResearch_FirstDeclaredCircuit_BecomesALayerOfItsGates()
    {
        OrganismCircuit c = OrganismCircuit.FromOrganism(Aura);
        Assert.Equal("creativity_amplifier", c.Name);
        Assert.Equal(7, c.Circuit.QubitCount);
        Assert.False(c.IdealDeclared);
        Assert.Equal(0.5, c.Ideal["0000000"]);
        Assert.Equal(0.5, c.Ideal["1111111"]);
        string qasm = c.Circuit.Source;
        Assert.Equal(7, qasm.Split('\n').Count(static l => l.StartsWith("h q[", StringComparison.Ordinal)));
        Assert.Equal(7, qasm.Split('\n').Count(static l => l.StartsWith("ry(", StringComparison.Ordinal)));
        Assert.Equal(6, qasm.Split('\n').Count(static l => l.StartsWith("cx q[", StringComparison.Ordinal)));
        // The first rotation angle is π times the organism's first numeric trait.
        double first = Aura.Genes.SelectMany(static g => g.Traits).Select(static e => e.Value).OfType<NumberTrait>().First().Value;
        Assert.Contains($"ry({(Math.PI * first).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}) q[0];", qasm, StringComparison.Ordinal);
        Assert.Equal(7, OpenQasmParser.Parse(qasm).QubitCount); // it is valid OpenQASM
    }

    [Fact]
    public void NamedCircuit_AndDeclaredIdeal_AreUsed()
    {
        OrganismCircuit c = OrganismCircuit.FromOrganism(Aura, "synthesis_engine");
        Assert.Equal(6, c.Circuit.QubitCount);
        Assert.Contains("swap q[0],q[1];", c.Circuit.Source, StringComparison.Ordinal);

        OrganismCircuit climber = OrganismCircuit.FromOrganism(Climber(0.3, 0.6));
        Assert.True(climber.IdealDeclared);
        Assert.Equal(1.0, climber.Ideal["11"]);
    }

    [Theory]
    [InlineData("gates: [\"h\", \"warp\"]", "QUANTUM.circuits.c.gates: gate 'warp' is not supported")]
    [InlineData("qubits: 0", "QUANTUM.circuits.c.qubits must be an integer from 1 to 12")]
    [InlineData("qubits: 2.5", "QUANTUM.circuits.c.qubits must be an integer from 1 to 12")]
    [InlineData("qubits: 2\n ideal: { outcomes: [\"00\"]  probabilities: [0.7] }", "QUANTUM.circuits.c.ideal: ideal probabilities sum to 0.7")]
    [InlineData("qubits: 2\n ideal: { outcomes: [\"00\"]  probabilities: [\"half\"] }", "QUANTUM.circuits.c.ideal.probabilities[0] must be a number")]
    [InlineData("qubits: 2\n ideal: { outcomes: [\"00\", \"11\"]  probabilities: [1.0] }", "QUANTUM.circuits.c.ideal has 2 outcomes and 1 probabilities")]
    [InlineData("qubits: 2\n ideal: 0.5", "QUANTUM.circuits.c.ideal must be a map")]
    [InlineData("gates: \"h\"", "QUANTUM.circuits.c.gates must be a list of gate names")]
    public void BadDeclarations_AreClearErrors(string body, string expected)
    {
        Organism o = DnaText.Parse("ORGANISM Bad {\n QUANTUM {\n circuits: {\n c: {\n " + body + "\n }\n }\n }\n}\n");
        var ex = Assert.Throws<QuantumLmException>(() => OrganismCircuit.FromOrganism(o));
        Assert.Equal(QuantumLmErrorCodes.InvalidPayload, ex.ErrorCode);
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCircuitName_IsAClearError()
    {
        var ex = Assert.Throws<QuantumLmException>(() => OrganismCircuit.FromOrganism(Aura, "nope"));
        Assert.Equal("QUANTUM.circuits has no circuit named 'nope'", ex.Message);
    }

    [Fact]
    public async Task Fitness_IsLambdaOfTheOrganismsOwnCircuit_AgainstItsDeclaredIdeal()
    {
        var fitness = new DeclaredCircuitFitness(Local(), new TensorMetricsCalculator(), shots: 2000);
        // a = 1 (ry(π) → |1⟩), b = 0: after cx the state is |11⟩ exactly: Λ = 1.
        FitnessResult perfect = await fitness.EvaluateAsync(Climber(1.0, 0.0), 5);
        Assert.Equal(1.0, perfect.Fitness!.Value, 12);
        // a = 0, b = 0: |00⟩, no overlap with the ideal |11⟩: Λ = 0.
        FitnessResult worst = await fitness.EvaluateAsync(Climber(0.0, 0.0), 5);
        Assert.Equal(0.0, worst.Fitness!.Value, 12);
        // A declaration that cannot run is "not measured", not a crash.
        FitnessResult unmeasured = await fitness.EvaluateAsync(DnaText.Parse("ORGANISM X {\n QUANTUM {\n circuits: {\n c: {\n gates: [\"warp\"]\n }\n }\n }\n}\n"), 5);
        Assert.Null(unmeasured.Fitness);
    }

    [Fact]
    public async Task Evolution_ClimbsTowardTheDeclaredIdeal()
    {
        var fitness = new DeclaredCircuitFitness(Local(), new TensorMetricsCalculator(), shots: 512);
        var options = new EvolutionOptions { PopulationSize = 16, Generations = 12, Elite = 2, Seed = 7, Evolve = new EvolveOptions { Rate = 0.5, Sigma = 0.3 } };
        EvolutionResult run = await new EvolutionEngine(fitness, options).RunAsync([Climber(0.3, 0.6), Climber(0.2, 0.7)]);
        double start = run.History[0].MaxFitness!.Value;
        double end = run.History[^1].MaxFitness!.Value;
        Assert.True(end > start + 0.1, $"max fitness went from {start:F3} to {end:F3}");
        for (int g = 1; g < run.History.Count; g++)
        {
            Assert.True(run.History[g].MaxFitness >= run.History[g - 1].MaxFitness - 1e-12, "elitism keeps the best");
        }
    }
}
