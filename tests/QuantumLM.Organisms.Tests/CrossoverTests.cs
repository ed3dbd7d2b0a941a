using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuantumLM.Organisms;

namespace QuantumLM.Organisms.Tests;

public sealed class CrossoverTests
{
    private static Organism Org(string name, params (string Gene, (string Key, double Value)[] Traits)[] genes) =>
        new(name, [new MapSection("DNA", PropertyMap.Create(("name", new TextTrait(name)))), new GenomeSection(genes.Select(g => new Gene(g.Gene, PropertyMap.Create(g.Traits.Select(t => (t.Key, (TraitValue)new NumberTrait(t.Value))))))), new MapSection("QUANTUM", PropertyMap.Create(("backend", new TextTrait(name))))]);

    [Property(MaxTest = 200)]
    public Property Child_GenesAreFromTheParents_TraitsFromEitherParent_AndItParses() =>
        Prop.ForAll(
            (from a in Generators.GenomeOrganism
             from b in Generators.GenomeOrganism
             from seed in Gen.Choose(0, int.MaxValue)
             from mode in Gen.Elements(CrossoverMode.Uniform, CrossoverMode.OnePoint)
             select (a, b, seed, mode)).ToArbitrary(),
            ((Organism A, Organism B, int Seed, CrossoverMode Mode) x) =>
        {
            var (a, b, seed, mode) = x;
            var r = OrganismOperators.Crossover(a, b, (ulong)seed, new CrossoverOptions { Mode = mode, Point = (seed % 11) / 10.0 });
            var union = a.Genes.Select(g => g.Name).Union(b.Genes.Select(g => g.Name)).ToHashSet();
            Assert.Subset(union, r.Child.Genes.Select(g => g.Name).ToHashSet());
            Assert.Equal(union.Count, r.Child.Genes.Count); // every gene of either parent is inherited once
            foreach (var gene in r.Child.Genes)
            {
                var ga = a.Genes.FirstOrDefault(g => g.Name == gene.Name);
                var gb = b.Genes.FirstOrDefault(g => g.Name == gene.Name);
                foreach (var t in gene.Traits)
                {
                    bool fromA = ga is not null && ga.Traits.TryGetEntry(t.Key, out var ea) && ea == t;
                    bool fromB = gb is not null && gb.Traits.TryGetEntry(t.Key, out var eb) && eb == t;
                    Assert.True(fromA || fromB, $"{gene.Name}.{t.Key} comes from neither parent");
                }
            }

            Assert.Equal(a.Name, r.Child.Name);
            Assert.Equal(a.Dna, r.Child.Dna);
            Assert.Equal(a.Quantum, r.Child.Quantum);
            Assert.Equal(r.Child, DnaText.Parse(DnaText.Serialize(r.Child)));
            Assert.Equal(r, OrganismOperators.Crossover(a, b, (ulong)seed, new CrossoverOptions { Mode = mode, Point = (seed % 11) / 10.0 }) with { });
        });

    [Fact]
    public void Uniform_AlignsByName_OrderIsFirstParentThenSecondOnly()
    {
        var a = Org("A", ("G1", [("x", 1), ("y", 2)]), ("G2", [("z", 3)]));
        var b = Org("B", ("G3", [("w", 9)]), ("G1", [("x", 10), ("q", 11)]));
        var r = OrganismOperators.Crossover(a, b, 1);
        Assert.Equal(["G1", "G2", "G3"], r.Child.Genes.Select(g => g.Name));
        Assert.Equal(["x", "y", "q"], r.Child.Genes[0].Traits.Keys);
        Assert.Equal(["G1"], r.Report.GenesMixed);
        Assert.Equal(["G2"], r.Report.GenesFromFirst);
        Assert.Equal(["G3"], r.Report.GenesFromSecond);
        Assert.Equal(1, r.Report.SharedTraitsFromFirst + r.Report.SharedTraitsFromSecond);
        Assert.Equal(new TextTrait("A"), r.Child.Quantum!.Body["backend"]);
    }

    [Fact]
    public void Uniform_PMixOneTakesFirst_PMixZeroTakesSecond()
    {
        var a = Org("A", ("G", [("x", 1), ("y", 2)]));
        var b = Org("B", ("G", [("x", 10), ("y", 20)]));
        Assert.Equal(a.Genes, OrganismOperators.Crossover(a, b, 3, new CrossoverOptions { MixProbability = 1 }).Child.Genes);
        Assert.Equal(b.Genes, OrganismOperators.Crossover(a, b, 3, new CrossoverOptions { MixProbability = 0 }).Child.Genes);
    }

    [Fact]
    public void Uniform_HalfMix_TakesRoughlyHalfFromEachParent()
    {
        var traits = Enumerable.Range(0, 1000).Select(i => ($"t{i}", (double)i)).ToArray();
        var a = Org("A", ("G", traits));
        var b = Org("B", ("G", traits.Select(t => (t.Item1, -t.Item2 - 1)).ToArray()));
        var r = OrganismOperators.Crossover(a, b, 17);
        Assert.InRange(r.Report.SharedTraitsFromFirst, 430, 570); // Binomial(1000, ½): ±4.4σ
        Assert.Equal(1000, r.Report.SharedTraitsFromFirst + r.Report.SharedTraitsFromSecond);
    }

    [Theory]
    [InlineData(0.5, 4, 2, new[] { "A", "A", "B", "B" })]
    [InlineData(0.0, 4, 1, new[] { "A", "B", "B", "B" })] // k clamped to 1
    [InlineData(1.0, 4, 3, new[] { "A", "A", "A", "B" })] // k clamped to L − 1
    [InlineData(0.8, 5, 4, new[] { "A", "A", "A", "A", "B" })]
    public void OnePoint_CutsAtFloorOfCTimesL(double c, int length, int k, string[] sources)
    {
        var names = Enumerable.Range(0, length).Select(i => $"G{i}").ToArray();
        var a = Org("A", names.Select(n => (n, new[] { ("v", 1.0) })).ToArray());
        var b = Org("B", names.Select(n => (n, new[] { ("v", 2.0) })).ToArray());
        var r = OrganismOperators.Crossover(a, b, 0, new CrossoverOptions { Mode = CrossoverMode.OnePoint, Point = c });
        Assert.Equal(k, r.Report.Cut);
        Assert.Equal(sources, r.Child.Genes.Select(g => ((NumberTrait)g.Traits["v"]).Value == 1.0 ? "A" : "B"));
    }

    [Fact]
    public void OnePoint_GeneMissingFromChosenParent_ComesFromTheOther()
    {
        var a = Org("A", ("G1", [("v", 1)]), ("G2", [("v", 1)]));
        var b = Org("B", ("G3", [("v", 2)]));
        var r = OrganismOperators.Crossover(a, b, 0, new CrossoverOptions { Mode = CrossoverMode.OnePoint, Point = 0 });
        Assert.Equal(["G1", "G2", "G3"], r.Child.Genes.Select(g => g.Name));
        Assert.Equal(["G1"], r.Report.GenesFromFirst.Take(1));
        Assert.Contains("G2", r.Report.GenesFromFirst); // position 1 ≥ k = 1 prefers b, which lacks G2
    }

    [Fact]
    public void Samples_CrossoverChildIsValid()
    {
        var aura = DnaText.Parse(DnaTextTests.Fixture("aura_research_001.dna"));
        var aiden = DnaText.Parse(DnaTextTests.Fixture("aiden_research_001.dna"));
        var r = OrganismOperators.Crossover(aura, aiden, 11, new CrossoverOptions { Mode = CrossoverMode.OnePoint });
        Assert.Equal(7, r.Child.Genes.Count);
        Assert.Equal(r.Child, DnaText.Parse(DnaText.Serialize(r.Child)));
        Assert.Equal(aura.OtherSections, r.Child.OtherSections);
    }

    [Theory]
    [InlineData(-0.1, 0.5)]
    [InlineData(0.5, 1.5)]
    public void InvalidOptions_AreRejected(double pMix, double point) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => OrganismOperators.Crossover(Org("A"), Org("B"), 0, new CrossoverOptions { MixProbability = pMix, Point = point }));
}
