using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuantumLM.Abstractions;
using QuantumLM.Organisms;

namespace QuantumLM.Organisms.Tests;

public sealed class EvolveTests
{
    private static Organism OneTrait(TraitValue value, string gene = "G", string key = "t") =>
        new("X", [new GenomeSection([new Gene(gene, PropertyMap.Create((key, value)))])]);

    [Property(MaxTest = 200)]
    public Property RateZero_IsIdentity() =>
        Prop.ForAll(Generators.GenomeOrganism.ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (Organism m, int seed) =>
        {
            var r = OrganismOperators.Evolve(m, (ulong)seed, new EvolveOptions { Rate = 0, FlipBooleans = true });
            Assert.Equal(m, r.Child);
            Assert.Equal(0, r.Report.Changes);
        });

    [Property(MaxTest = 200)]
    public Property SameSeed_SameChildAndReport() =>
        Prop.ForAll(Generators.GenomeOrganism.ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (Organism m, int seed) =>
        {
            var options = new EvolveOptions { Rate = 0.7, Mode = EvolveMode.Gaussian, FlipBooleans = true };
            var a = OrganismOperators.Evolve(m, (ulong)seed, options);
            var b = OrganismOperators.Evolve(m, (ulong)seed, options);
            Assert.Equal(a.Child, b.Child);
            Assert.Equal(a.Report.ChangedTraits, b.Report.ChangedTraits);
            Assert.Equal(DnaText.Serialize(a.Child), DnaText.Serialize(b.Child));
        });

    [Property(MaxTest = 300)]
    public Property BoundsRespected_IntegersStayIntegers_ChangesAreExactlyTheChangedTraits() =>
        Prop.ForAll(Generators.GenomeOrganism.ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), Gen.Elements(EvolveMode.Multiplicative, EvolveMode.Gaussian).ToArbitrary(), (Organism m, int seed, EvolveMode mode) =>
        {
            var r = OrganismOperators.Evolve(m, (ulong)seed, new EvolveOptions { Rate = 1, Sigma = 3, Mode = mode });
            var changed = new List<(string, string)>();
            Assert.Equal(m.Genes.Select(g => g.Name), r.Child.Genes.Select(g => g.Name));
            for (int g = 0; g < m.Genes.Count; g++)
            {
                var before = m.Genes[g].Traits;
                var after = r.Child.Genes[g].Traits;
                Assert.Equal(before.Keys, after.Keys);
                for (int i = 0; i < before.Count; i++)
                {
                    var b = before[i].Value;
                    var a = after[i].Value;
                    if (b is NumberTrait nb)
                    {
                        var na = Assert.IsType<NumberTrait>(a);
                        Assert.Equal(nb.IsInteger, na.IsInteger);
                        Assert.Equal(nb.Min, na.Min);
                        Assert.Equal(nb.Max, na.Max);
                        if (nb.IsInteger)
                        {
                            Assert.Equal(Math.Floor(na.Value), na.Value);
                        }

                        if (nb.IsInRange)
                        {
                            Assert.True(na.IsInRange, $"{na.Value} outside [{na.Min}, {na.Max}]");
                        }

                        if (!nb.HasBounds && nb.Value is >= 0 and <= 1)
                        {
                            Assert.InRange(na.Value, 0, 1); // inferred unit bounds
                        }
                    }
                    else
                    {
                        Assert.Equal(b, a); // text, list, map, bool (flip off) never change
                    }

                    if (!Equals(a, b))
                    {
                        changed.Add((m.Genes[g].Name, before[i].Key));
                    }
                }
            }

            Assert.Equal(changed, r.Report.ChangedTraits.Select(c => (c.Gene, c.Trait)));
            Assert.Equal(changed.Count, r.Report.Changes);
        });

    [Fact]
    public void Multiplicative_MatchesHandComputationFromTheGenerator()
    {
        // Reference: draw u, then r = (2·U − 1)·σ from the same xoshiro256** stream; v' = v·(1 + r).
        var rng = new SeededRandom(42);
        double u = rng.NextDouble();
        double r = ((2 * rng.NextDouble()) - 1) * 0.2;
        Assert.True(u < 1.0);
        var result = OrganismOperators.Evolve(OneTrait(new NumberTrait(10.0)), 42, new EvolveOptions { Rate = 1 });
        Assert.Equal(10.0 * (1 + r), ((NumberTrait)result.Child.Genes[0].Traits["t"]).Value);
    }

    [Fact]
    public void Gaussian_MatchesHandComputationFromTheGenerator()
    {
        var rng = new SeededRandom(9);
        _ = rng.NextDouble();
        double n = rng.NextGaussian();
        var result = OrganismOperators.Evolve(OneTrait(new NumberTrait(10.0)), 9, new EvolveOptions { Rate = 1, Sigma = 0.5, Mode = EvolveMode.Gaussian });
        Assert.Equal(10.0 + (n * 0.5 * 1.0), ((NumberTrait)result.Child.Genes[0].Traits["t"]).Value);
    }

    [Fact]
    public void Zero_MovesByScaledUniformStep()
    {
        var rng = new SeededRandom(5);
        _ = rng.NextDouble();
        double r = ((2 * rng.NextDouble()) - 1) * 0.2;
        var result = OrganismOperators.Evolve(OneTrait(new NumberTrait(0.0, false, -4, 6)), 5, new EvolveOptions { Rate = 1 });
        Assert.Equal(r * 10, ((NumberTrait)result.Child.Genes[0].Traits["t"]).Value, 12);
    }

    [Fact]
    public void Integer_RoundsHalfAwayFromZeroAndStaysInteger()
    {
        for (ulong seed = 0; seed < 200; seed++)
        {
            var result = OrganismOperators.Evolve(OneTrait(new NumberTrait(5, true)), seed, new EvolveOptions { Rate = 1, Sigma = 0.5 });
            var n = (NumberTrait)result.Child.Genes[0].Traits["t"];
            Assert.True(n.IsInteger);
            var rng = new SeededRandom(seed);
            _ = rng.NextDouble();
            double raw = 5 * (1 + (((2 * rng.NextDouble()) - 1) * 0.5));
            Assert.Equal(Math.Round(raw, MidpointRounding.AwayFromZero), n.Value);
            Assert.DoesNotContain(".", DnaText.Serialize(result.Child).Split('\n').Single(l => l.Contains("t: ", StringComparison.Ordinal)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ScientificNotation_Mutates_UnlikeTheOriginal()
    {
        var result = OrganismOperators.Evolve(OneTrait(new NumberTrait(2.176435e-8)), 1, new EvolveOptions { Rate = 1 });
        Assert.Equal(1, result.Report.Changes);
        Assert.InRange(((NumberTrait)result.Child.Genes[0].Traits["t"]).Value, 2.176435e-8 * 0.8, 2.176435e-8 * 1.2);
    }

    [Fact]
    public void EveryGenesTraits_AreEligible_NotOnlyTheFirstBlock()
    {
        var m = DnaText.Parse(DnaTextTests.Fixture("aura_research_001.dna"));
        var r = OrganismOperators.Evolve(m, 3, new EvolveOptions { Rate = 1 });

        // Reference: walk every gene's traits in order; each number takes u, then r = (2U − 1)·0.2 from one stream.
        var rng = new SeededRandom(3);
        int numeric = 0;
        for (int g = 0; g < m.Genes.Count; g++)
        {
            foreach (var e in m.Genes[g].Traits)
            {
                if (e.Value is not NumberTrait n)
                {
                    Assert.Equal(e.Value, r.Child.Genes[g].Traits[e.Key]);
                    continue;
                }

                numeric++;
                _ = rng.NextDouble();
                double v = n.Value * (1 + (((2 * rng.NextDouble()) - 1) * 0.2));
                v = n.Value is >= 0 and <= 1 ? Math.Clamp(v, 0, 1) : v;
                v = n.IsInteger ? Math.Round(v, MidpointRounding.AwayFromZero) : v;
                Assert.Equal(v, ((NumberTrait)r.Child.Genes[g].Traits[e.Key]).Value);
            }
        }

        Assert.Equal(7, numeric); // 3 + 1 + 2 + 1 numbers in the four genes, not only the first TRAITS block
        Assert.Contains(r.Report.ChangedTraits, c => c.Gene == "EvolveQuantumAlgorithms");
        Assert.Equal(m.Dna, r.Child.Dna);
        Assert.Equal(m.Quantum, r.Child.Quantum);
        Assert.Equal(m.OtherSections, r.Child.OtherSections);
        Assert.Equal(r.Child, DnaText.Parse(DnaText.Serialize(r.Child)));
    }

    [Fact]
    public void Booleans_FlipOnlyWhenAsked()
    {
        var m = OneTrait(new BooleanTrait(true));
        Assert.Equal(m, OrganismOperators.Evolve(m, 1, new EvolveOptions { Rate = 1 }).Child);
        Assert.Equal(new BooleanTrait(false), OrganismOperators.Evolve(m, 1, new EvolveOptions { Rate = 1, FlipBooleans = true }).Child.Genes[0].Traits["t"]);
    }

    [Fact]
    public void UnitBoundsInference_CanBeTurnedOff()
    {
        int escaped = 0;
        for (ulong seed = 0; seed < 100; seed++)
        {
            var v = ((NumberTrait)OrganismOperators.Evolve(OneTrait(new NumberTrait(0.99)), seed, new EvolveOptions { Rate = 1, InferUnitBounds = false }).Child.Genes[0].Traits["t"]).Value;
            escaped += v > 1 ? 1 : 0;
        }

        Assert.InRange(escaped, 1, 99);
    }

    [Theory]
    [InlineData(-0.1, 0.2)]
    [InlineData(1.1, 0.2)]
    [InlineData(double.NaN, 0.2)]
    [InlineData(0.1, -1)]
    [InlineData(0.1, double.PositiveInfinity)]
    public void InvalidOptions_AreRejected(double rate, double sigma) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => OrganismOperators.Evolve(OneTrait(new NumberTrait(1)), 1, new EvolveOptions { Rate = rate, Sigma = sigma }));
}
