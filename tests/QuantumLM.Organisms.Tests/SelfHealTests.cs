using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuantumLM.Organisms;

namespace QuantumLM.Organisms.Tests;

public sealed class SelfHealTests
{
    private static readonly string[] Junk = ["{", "}", "[", "]", "\"", ":", ",", "#", "\n", " ", "x", "1", "1e999", "GENE", "TRAITS", "ORGANISM", "in", "*", "@", "\\", "-", "."];

    /// <summary>Texts broken by random edits: deletions, insertions of syntax characters, truncation, duplicated lines.</summary>
    private static Gen<string> Mangled { get; } =
        from baseText in Gen.OneOf(
            Generators.Organism.Select(DnaText.Serialize),
            Gen.Elements(DnaTextTests.HandWrittenSample, DnaTextTests.Fixture("aura_research_001.dna"), DnaTextTests.Fixture("aiden_research_001.dna")))
        from edits in Gen.ListOf(
            from kind in Gen.Choose(0, 4)
            from pos in Gen.Choose(0, int.MaxValue)
            from len in Gen.Choose(1, 40)
            from junk in Gen.Elements(Junk)
            select (kind, pos, len, junk), 6)
        select Apply(baseText, edits);

    private static string Apply(string text, IEnumerable<(int Kind, int Pos, int Len, string Junk)> edits)
    {
        var sb = new StringBuilder(text);
        foreach (var (kind, pos, len, junk) in edits)
        {
            int p = sb.Length == 0 ? 0 : pos % sb.Length;
            switch (kind)
            {
                case 0: sb.Remove(p, Math.Min(len, sb.Length - p)); break;
                case 1: sb.Insert(p, junk); break;
                case 2: sb.Length = p; break;
                case 3:
                    var lines = sb.ToString().Split('\n').ToList();
                    int l = pos % lines.Count;
                    lines.Insert(l, lines[l]);
                    sb.Clear().Append(string.Join('\n', lines));
                    break;
                default: sb.Insert(p, junk + junk + junk); break;
            }
        }

        return sb.ToString();
    }

    [Property(MaxTest = 500)]
    public Property AnyText_HealsToAParseableGenome_AndHealingIsIdempotent() =>
        Prop.ForAll(Mangled.ToArbitrary(), (string text) =>
        {
            var healed = OrganismOperators.SelfHeal(text);
            string canonical = DnaText.Serialize(healed.Child);
            Assert.Equal(healed.Child, DnaText.Parse(canonical));
            var again = OrganismOperators.SelfHeal(canonical);
            Assert.Empty(again.Report.Fixes);
            Assert.Equal(healed.Child, again.Child);
            var onModel = OrganismOperators.SelfHeal(healed.Child);
            Assert.Empty(onModel.Report.Fixes);
            Assert.Same(healed.Child, onModel.Child);
            Assert.NotNull(healed.Child.Dna);
            Assert.NotNull(healed.Child.Genome);
            Assert.NotNull(healed.Child.Quantum);
        });

    [Property(MaxTest = 200)]
    public Property ArbitraryBytes_HealToAParseableGenome() =>
        Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 255).Select(static b => (byte)b)).ToArbitrary(), (byte[] bytes) =>
        {
            var healed = OrganismOperators.SelfHealUtf8(bytes);
            Assert.Equal(healed.Child, DnaText.Parse(DnaText.Serialize(healed.Child)));
        });

    [Fact]
    public void ValidCompleteGenome_NeedsNoFixes()
    {
        var r = OrganismOperators.SelfHeal(DnaTextTests.HandWrittenSample);
        Assert.Empty(r.Report.Fixes);
        Assert.Equal(DnaText.Parse(DnaTextTests.HandWrittenSample), r.Child);
    }

    [Fact]
    public void MissingClosingBraces_AreAppended()
    {
        var r = OrganismOperators.SelfHeal("ORGANISM X {\n  DNA {\n    a: 1\n  }\n  GENOME {\n    GENE G {\n      TRAITS {\n        t: 0.5\n");
        Assert.Equal(["balance_braces", "add_section:QUANTUM"], r.Report.Fixes);
        Assert.Equal(new NumberTrait(0.5), r.Child.Genes.Single().Traits["t"]);
    }

    [Fact]
    public void ExtraClosingBraces_AreDropped_AndLaterSectionsKept()
    {
        var r = OrganismOperators.SelfHeal("ORGANISM X { DNA { a: 1 } } } GENOME { GENE G {} } QUANTUM {} }");
        Assert.Equal(["balance_braces"], r.Report.Fixes);
        Assert.Equal(["DNA", "GENOME", "QUANTUM"], r.Child.Sections.Select(s => s.Keyword));
    }

    [Fact]
    public void MissingSections_AreAddedAsSectionsNotSubstrings()
    {
        // "DNA", "GENOME" and "QUANTUM" occur as substrings but not as sections: the original platform's check passed.
        var r = OrganismOperators.SelfHeal("ORGANISM X { PHENOME { note: \"DNA GENOME QUANTUM\" } }");
        Assert.Equal(["add_section:DNA", "add_section:GENOME", "add_section:QUANTUM"], r.Report.Fixes);
        Assert.Equal(["PHENOME", "DNA", "GENOME", "QUANTUM"], r.Child.Sections.Select(s => s.Keyword));
    }

    [Fact]
    public void DuplicateTraits_LastWins()
    {
        var r = OrganismOperators.SelfHeal("ORGANISM X { DNA {} GENOME { GENE G { TRAITS { t: 1 u: 2 t: 3 } } } QUANTUM {} }");
        Assert.Equal(["dedupe_trait:G.t"], r.Report.Fixes);
        Assert.Equal(["u", "t"], r.Child.Genes[0].Traits.Keys);
        Assert.Equal(new NumberTrait(3, true), r.Child.Genes[0].Traits["t"]);
    }

    [Fact]
    public void DuplicateGenesAndSections_LastWins()
    {
        var r = OrganismOperators.SelfHeal("ORGANISM X { DNA { v: 1 } DNA { v: 2 } GENOME { GENE G { purpose: \"a\" } GENE G { purpose: \"b\" } } QUANTUM {} }");
        Assert.Equal(["dedupe_section:DNA", "dedupe_gene:G"], r.Report.Fixes);
        Assert.Equal(new NumberTrait(2, true), r.Child.Dna!.Body["v"]);
        Assert.Equal("b", r.Child.Genes.Single().Purpose);
    }

    [Fact]
    public void OutOfRangeTraits_AreClamped_NonFiniteRemoved()
    {
        var r = OrganismOperators.SelfHeal("ORGANISM X { DNA {} GENOME { GENE G { TRAITS { hi: 1.5 in [0, 1] lo: -3 in [-2, *] inf: 1e999 ok: 0.5 in [0, 1] k: 0 in [0.5, 2.5] huge: 1 in [1e300, *] } } } QUANTUM {} }");
        Assert.Equal(["remove_nonfinite:G.inf", "clamp:G.hi", "clamp:G.lo", "clamp:G.k", "clamp:G.huge"], r.Report.Fixes);
        Assert.Equal(new NumberTrait(1, true), r.Child.Genes[0].Traits["huge"]); // no integer ≤ 2^53 inside: bounds dropped
        var t = r.Child.Genes[0].Traits;
        Assert.Equal(new NumberTrait(1, false, 0, 1), t["hi"]);
        Assert.Equal(new NumberTrait(-2, true, -2, null), t["lo"]);
        Assert.Equal(new NumberTrait(1, true, 0.5, 2.5), t["k"]); // an integer goes to the nearest integer inside
        Assert.False(t.ContainsKey("inf"));
        Assert.Equal(new NumberTrait(0.5, false, 0, 1), t["ok"]);
    }

    [Fact]
    public void MissingHeader_GetsUnnamed()
    {
        var r = OrganismOperators.SelfHeal("DNA { a: 1 }\nGENOME {}\nQUANTUM {}\n");
        Assert.Equal("Unnamed", r.Child.Name);
        Assert.Equal(["add_header"], r.Report.Fixes);
        Assert.Equal(new NumberTrait(1, true), r.Child.Dna!.Body["a"]);
    }

    [Fact]
    public void UnterminatedString_IsClosedAtTheEndOfTheLine()
    {
        var r = OrganismOperators.SelfHeal("ORGANISM X {\n  DNA {\n    name: \"open\n    v: 2\n  }\n  GENOME {}\n  QUANTUM {}\n}\n");
        Assert.Equal(["close_string:3:11"], r.Report.Fixes);
        Assert.Equal(new TextTrait("open"), r.Child.Dna!.Body["name"]);
        Assert.Equal(new NumberTrait(2, true), r.Child.Dna.Body["v"]);
    }

    [Fact]
    public void Garbage_IsSkippedAndReportedOncePerRun()
    {
        var r = OrganismOperators.SelfHeal("ORGANISM X { @@@ DNA {} GENOME {} QUANTUM {} }");
        Assert.Equal(["skip_invalid:1:14"], r.Report.Fixes);
    }

    [Fact]
    public void InvalidUtf8_IsReplaced()
    {
        byte[] bytes = [.. "ORGANISM X { DNA { a: \""u8, 0xFF, .. "\" } GENOME {} QUANTUM {} }"u8];
        var r = OrganismOperators.SelfHealUtf8(bytes);
        Assert.Equal(["decode_utf8"], r.Report.Fixes);
        Assert.Equal(new TextTrait("\uFFFD"), r.Child.Dna!.Body["a"]);
    }

    [Fact]
    public void DeepNesting_IsSkippedWithinTheLimit()
    {
        string deep = "ORGANISM X { DNA { a: " + new string('[', 100_000) + " } GENOME {} QUANTUM {} }";
        var r = OrganismOperators.SelfHeal(deep);
        Assert.Equal(r.Child, DnaText.Parse(DnaText.Serialize(r.Child)));
        Assert.Contains(r.Report.Fixes, f => f.StartsWith("skip_invalid:", StringComparison.Ordinal));
    }

    [Fact]
    public void ManyDistinctRepairs_StayLinear()
    {
        // 100,000 unterminated strings and duplicate keys: each repair is listed once, without quadratic bookkeeping.
        var sb = new StringBuilder("ORGANISM X {\n  DNA {\n");
        for (int i = 0; i < 50_000; i++)
        {
            sb.Append("    k").Append(i).Append(": \"open\n    k").Append(i).Append(": \"again\n");
        }

        sb.Append("  }\n}\n");
        var r = OrganismOperators.SelfHeal(sb.ToString());
        Assert.Equal(50_000, r.Child.Dna!.Body.Count);
        Assert.Equal(100_000, r.Report.Fixes.Count(f => f.StartsWith("close_string:", StringComparison.Ordinal)));
        Assert.Equal(50_000, r.Report.Fixes.Count(f => f.StartsWith("dedupe_key:DNA.", StringComparison.Ordinal)));
    }

    [Fact]
    public void HugeInput_IsRejected() =>
        Assert.Throws<DnaSyntaxException>(() => OrganismOperators.SelfHeal(new string('{', 2000), new DnaParseOptions { MaxInputLength = 1000 }));
}
