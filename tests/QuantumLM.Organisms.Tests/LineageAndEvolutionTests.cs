using QuantumLM.Abstractions;
using QuantumLM.Organisms;

namespace QuantumLM.Organisms.Tests;

public sealed class LineageAndEvolutionTests
{
    private static readonly Organism Aura = DnaText.Parse(DnaTextTests.Fixture("aura_research_001.dna"));
    private static readonly Organism Aiden = DnaText.Parse(DnaTextTests.Fixture("aiden_research_001.dna"));

    private static double? SumOfNumbers(Organism o) =>
        o.Genes.SelectMany(g => g.Traits).Select(e => e.Value).OfType<NumberTrait>().Sum(n => n.Value);

    [Fact]
    public void Lineage_GenerationsParentsAndHashes()
    {
        var a = LineageRecord.ForSeed(Aura);
        var b = LineageRecord.ForSeed(Aiden);
        Assert.Equal(0, a.Generation);
        Assert.Empty(a.Parents);
        Assert.Equal("seed", a.Operator);
        Assert.Null(a.Rng);
        Assert.Null(a.Fitness);
        Assert.Equal(DnaText.ComputeSha256(Aura), a.DnaSha256);

        var evolved = OrganismOperators.Evolve(Aura, 4);
        var c1 = LineageRecord.ForChild(evolved.Child, "evolve", [a], 4, [new("rate", "0.1")]);
        Assert.Equal(1, c1.Generation);
        Assert.Equal([a.Id], c1.Parents);
        Assert.Equal(new RngInfo("xoshiro256**", 4), c1.Rng);
        Assert.Equal([new KeyValuePair<string, string>("rate", "0.1")], c1.Parents.Count == 1 ? c1.Parameters : []);

        var crossed = OrganismOperators.Crossover(evolved.Child, Aiden, 8);
        var c2 = LineageRecord.ForChild(crossed.Child, "crossover", [c1, b], 8);
        Assert.Equal(2, c2.Generation); // max(1, 0) + 1
        Assert.Equal([c1.Id, b.Id], c2.Parents);

        // Ids are deterministic and differ by operator, parents and seed.
        Assert.Equal(c2, LineageRecord.ForChild(crossed.Child, "crossover", [c1, b], 8));
        Assert.NotEqual(c2.Id, LineageRecord.ForChild(crossed.Child, "crossover", [c1, b], 9).Id);
        Assert.Equal(8, c2.Id.Value.ToByteArray(bigEndian: true)[6] >> 4); // UUID version 8

        Assert.Null(c2.WithFitness(double.NaN, null).Fitness);
        Assert.Equal(0.75, c2.WithFitness(0.75, null).Fitness);
        Assert.Throws<ArgumentException>(() => LineageRecord.ForChild(Aura, "evolve", [], 1));
    }

    [Fact]
    public async Task Run_SameSeed_SameRun()
    {
        var options = new EvolutionOptions { PopulationSize = 12, Generations = 5, Elite = 2, Seed = 99 };
        var fitness = OrganismFitness.FromFunction(SumOfNumbers);
        var a = await new EvolutionEngine(fitness, options).RunAsync([Aura, Aiden]);
        var b = await new EvolutionEngine(fitness, options).RunAsync([Aura, Aiden]);
        Assert.Equal(a.History, b.History);
        Assert.Equal(a.Lineage, b.Lineage);
        Assert.Equal(a.Population, b.Population);
        var c = await new EvolutionEngine(fitness, options with { Seed = 100 }).RunAsync([Aura, Aiden]);
        Assert.NotEqual(a.Lineage, c.Lineage);
    }

    [Fact]
    public async Task Run_ElitismKeepsTheBest_StatisticsMatchThePopulation()
    {
        var options = new EvolutionOptions { PopulationSize = 10, Generations = 8, Elite = 2, Seed = 3, Evolve = new EvolveOptions { Rate = 0.5 } };
        var result = await new EvolutionEngine(OrganismFitness.FromFunction(SumOfNumbers), options).RunAsync([Aura]);
        Assert.Equal(9, result.History.Count);
        for (int g = 1; g < result.History.Count; g++)
        {
            Assert.True(result.History[g].MaxFitness >= result.History[g - 1].MaxFitness);
            Assert.Equal(8, result.History[g].NewOrganisms);
        }

        var last = result.History[^1];
        var fits = result.Population.Select(p => p.Lineage.Fitness!.Value).ToArray();
        Assert.Equal(fits.Max(), last.MaxFitness);
        Assert.Equal(fits.Min(), last.MinFitness);
        Assert.Equal(fits.Average(), last.AverageFitness!.Value, 9);
        Assert.Equal(result.Population[0].Lineage.DnaSha256, last.BestDnaSha256);
        Assert.Equal(fits.OrderByDescending(f => f), fits); // best first
        Assert.Equal(SumOfNumbers(result.Population[0].Organism), result.Population[0].Lineage.Fitness);
    }

    [Fact]
    public async Task Run_LineageIsComplete()
    {
        var options = new EvolutionOptions { PopulationSize = 8, Generations = 4, Elite = 1, Seed = 11 };
        var result = await new EvolutionEngine(OrganismFitness.FromFunction(SumOfNumbers), options).RunAsync([Aura, Aiden]);
        var byId = result.Lineage.ToDictionary(r => r.Id);
        Assert.Equal(8 + (4 * 7), result.Lineage.Count);
        Assert.Equal(2, result.Lineage.Count(r => r.Operator == "seed"));
        foreach (var r in result.Lineage.Where(r => r.Operator != "seed"))
        {
            Assert.All(r.Parents, p => Assert.True(byId.ContainsKey(p)));
            Assert.Equal(r.Parents.Max(p => byId[p].Generation) + 1, r.Generation);
            Assert.NotNull(r.Rng);
            Assert.NotNull(r.Fitness);
        }

        foreach (var p in result.Population)
        {
            Assert.Equal(DnaText.ComputeSha256(p.Organism), p.Lineage.DnaSha256);
            Assert.Contains(p.Lineage.Id, byId.Keys);
            Assert.Empty(OrganismOperators.SelfHeal(p.Organism).Report.Fixes);
        }
    }

    [Fact]
    public async Task Run_SeedsGetExplicitUnitBounds()
    {
        var result = await new EvolutionEngine(OrganismFitness.FromFunction(_ => 1.0), new EvolutionOptions { PopulationSize = 2, Generations = 0, Elite = 1 }).RunAsync([Aura]);
        var seed = result.Lineage[0];
        Assert.Equal("seed", seed.Operator);
        var organism = result.Population.Single(p => p.Lineage.Id == seed.Id).Organism;
        Assert.Equal(new NumberTrait(0.92, false, 0, 1), organism.Genes[0].Traits["creativity_index"]);
        Assert.Equal(new NumberTrait(5, true), organism.Genes[0].Traits["recursive_improvement"]);
    }

    [Fact]
    public async Task Run_ReportsProgressAndHonoursCancellation()
    {
        using var cts = new CancellationTokenSource();
        var seen = new List<GenerationSummary>();
        var progress = new SyncProgress(s =>
        {
            seen.Add(s);
            if (s.Generation == 2)
            {
                cts.Cancel();
            }
        });
        var engine = new EvolutionEngine(OrganismFitness.FromFunction(SumOfNumbers), new EvolutionOptions { PopulationSize = 6, Generations = 50, Elite = 1 });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.RunAsync([Aura], progress, cts.Token));
        Assert.Equal([0, 1, 2], seen.Select(s => s.Generation));
    }

    [Fact]
    public async Task Run_WithCircuitFitness_UsesMetricsOfEachOrganismsRun()
    {
        var backend = new GhzSamplingTestBackend(0.05);
        var fitness = new CircuitFitness(backend, new ReferenceMetricsCalculator(), qubits: 5, shots: 256);
        var result = await new EvolutionEngine(fitness, new EvolutionOptions { PopulationSize = 6, Generations = 2, Elite = 1 }).RunAsync([Aura]);
        Assert.All(result.Population, p =>
        {
            Assert.NotNull(p.Lineage.Metrics);
            Assert.Equal(p.Lineage.Metrics!.Lambda, p.Lineage.Fitness);
            Assert.Equal(5, p.Lineage.Metrics.Width);
        });
        Assert.True(backend.Submissions <= 6 + (2 * 5)); // identical genomes are measured once
    }

    [Fact]
    public void Diversity_MatchesHandComputation()
    {
        static Organism O(params (string Key, double Value)[] traits) =>
            new("X", [new GenomeSection([new Gene("G", PropertyMap.Create(traits.Select(t => (t.Key, (TraitValue)new NumberTrait(t.Value)))))])]);

        // Pair (1,2): keys a, b: δa = |1−2|/2 = 0.5, δb = 0 → 0.25. Pair (1,3): keys a, b, c: δa = 0, δb = 1 (missing), δc = 1 → 2/3.
        // Pair (2,3): keys a, b, c: δa = 0.5, δb = 1, δc = 1 → 2.5/3. Mean = (0.25 + 2/3 + 2.5/3) / 3.
        var o1 = O(("a", 1), ("b", 4));
        var o2 = O(("a", 2), ("b", 4));
        var o3 = O(("a", 1), ("c", -1));
        double expected = (0.25 + (2.0 / 3) + (2.5 / 3)) / 3;
        Assert.Equal(expected, EvolutionEngine.Diversity([o1, o2, o3]), 12);
        Assert.Equal(0, EvolutionEngine.Diversity([o1, o1]));
        Assert.Equal(0, EvolutionEngine.Diversity([o1]));
    }

    [Fact]
    public void Ranking_TiesAreBrokenByTheSmallerHash()
    {
        var a = new Individual(Aura, LineageRecord.ForSeed(Aura).WithFitness(1, null));
        var b = new Individual(Aiden, LineageRecord.ForSeed(Aiden).WithFitness(1, null));
        var unmeasured = new Individual(Aura, LineageRecord.ForSeed(Aura));
        var sorted = new[] { unmeasured, a, b }.OrderBy(x => x, Comparer<Individual>.Create(EvolutionEngine.Compare)).ToArray();
        Assert.Equal(string.CompareOrdinal(a.Lineage.DnaSha256, b.Lineage.DnaSha256) < 0 ? a : b, sorted[0]);
        Assert.Same(unmeasured, sorted[2]);
    }

    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(4, 4, 1)]
    [InlineData(4, 1, 0)]
    public void InvalidOptions_AreRejected(int population, int elite, int tournament) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvolutionEngine(OrganismFitness.FromFunction(_ => 0), new EvolutionOptions { PopulationSize = population, Elite = elite, Tournament = tournament }));

    private sealed class SyncProgress(Action<GenerationSummary> onReport) : IProgress<GenerationSummary>
    {
        public void Report(GenerationSummary value) => onReport(value);
    }
}
