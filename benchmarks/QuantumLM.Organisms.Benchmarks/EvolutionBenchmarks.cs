using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using QuantumLM.Organisms;
using QuantumLM.Quantum.Metrics;
using QuantumLM.Quantum.Simulation;

namespace QuantumLM.Organisms.Benchmarks;

/// <summary>
/// One generation of a 48-organism population: with a caller-supplied fitness function (the engine's own cost:
/// selection, crossover, evolve, self_heal, hashing, diversity), and with the case, fitness from a 5-qubit GHZ
/// run of 1,024 shots per organism on the local simulator, scored by the metrics core (target ≤ 250 ms).
/// </summary>
[MemoryDiagnoser]
public class EvolutionBenchmarks
{
    private Organism _seed = null!;
    private EvolutionEngine _engine = null!;
    private EvolutionEngine _ghzEngine = null!;

    [GlobalSetup]
    public void Setup()
    {
        _seed = DnaText.Parse(DnaTextBenchmarks.BuildGenome(4 * 1024)); // a genome of about 4 KiB (sample-sized genes)
        _engine = new EvolutionEngine(
            OrganismFitness.FromFunction(static o => o.Genes.SelectMany(g => g.Traits).Select(e => e.Value).OfType<NumberTrait>().Sum(n => n.Value)),
            new EvolutionOptions { PopulationSize = 48, Generations = 1, Elite = 4, Tournament = 3, Seed = 7 });
        _ghzEngine = new EvolutionEngine(
            new CircuitFitness(new LocalSimulatorBackend(Options.Create(new LocalSimulatorOptions())), new TensorMetricsCalculator(), qubits: 5, shots: 1024),
            new EvolutionOptions { PopulationSize = 48, Generations = 1, Elite = 4, Tournament = 3, Seed = 7 });
    }

    [Benchmark(Description = "48 organisms: initial + 1 generation, function fitness")]
    public async Task<int> OneGeneration() => (await _engine.RunAsync([_seed])).Lineage.Count;

    [Benchmark(Description = "48 organisms: initial + 1 generation, GHZ_5 x 1,024 shots on the local simulator")]
    public async Task<int> OneGeneration_LocalSimulatorFitness() => (await _ghzEngine.RunAsync([_seed])).Lineage.Count;
}
