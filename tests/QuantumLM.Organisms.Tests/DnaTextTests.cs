using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuantumLM.Abstractions;
using QuantumLM.Organisms;

namespace QuantumLM.Organisms.Tests;

public sealed class DnaTextTests
{
    internal static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    /// <summary>Written by hand from organisms.md §3.1, in the canonical form this library defines.</summary>
    internal const string HandWrittenSample = """
        # A hand-written organism covering every format feature of organisms.md §3.1.
        ORGANISM Sample_Organism {
          DNA {
            name: "Sample \"quoted\" \\ organism\n"
            version: "1.0.0"
            quantum_enabled: true
            lambda_phi: 2.176435e-8
          }

          GENOME {
            GENE Explore {
              purpose: "Explore"

              TRAITS {
                creativity_index: 0.92 in [0, 1]
                exploration_rate: 0.85
                recursive_improvement: 5 # an integer
                negative: -3.5e-12
                big: 1e21
                whole_float: 5.0
                half_open: 2 in [1, *]
                autopoietic_mutation: false
                genetic_operators: ["crossover", "mutation", 3, [true]]

                nested: {
                  a: 1
                }
              }

              MUTATIONS {
                expand_search_space {
                  trigger: "stagnation_detected"
                  action: "increase_mutation_rate"
                }
              }
            }

            GENE Empty {}
          }

          QUANTUM {
            backend: "ibm_torino"
            shots: 8192

            circuits: {
              amplifier: {
                qubits: 7
                gates: ["h", "cx", "measure"]
              }
            }
          }

          PHENOME {}

          CONSCIOUSNESS {
            phi_target: 0.92
          }

          AUTOPOIESIS {
            # unknown sections are kept
            self_improvement_cycle: 24 # hours
          }
          # before the closing brace
        }
        # after the organism

        """;

    [Property(MaxTest = 300)]
    public Property ParseOfSerialize_IsIdentity() =>
        Prop.ForAll(Generators.Organism.ToArbitrary(), (Organism m) =>
        {
            string text = DnaText.Serialize(m);
            var parsed = DnaText.Parse(text);
            Assert.True(parsed.Equals(m), "not equal after round trip:\n" + text + "\n---\n" + DnaText.Serialize(parsed));
            Assert.Equal(m, DnaText.ParseUtf8(Encoding.UTF8.GetBytes(text)));
        });

    [Property(MaxTest = 200)]
    public Property SerializeOfParse_IsIdentityOnCanonicalText() =>
        Prop.ForAll(Generators.Organism.ToArbitrary(), (Organism m) =>
        {
            string canonical = DnaText.Serialize(m);
            Assert.Equal(canonical, DnaText.Serialize(DnaText.Parse(canonical)));
        });

    [Property(MaxTest = 100)]
    public Property Sha256_IsTheHashOfTheCanonicalUtf8Text() =>
        Prop.ForAll(Generators.Organism.ToArbitrary(), m =>
            DnaText.ComputeSha256(m) == Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(DnaText.Serialize(m)))));

    [Fact]
    public void HandWrittenSample_IsCanonicalAndRoundTrips()
    {
        var m = DnaText.Parse(HandWrittenSample);
        Assert.Equal(HandWrittenSample, DnaText.Serialize(m));
        Assert.Equal("Sample_Organism", m.Name);
        Assert.Equal("Sample \"quoted\" \\ organism\n", ((TextTrait)m.Dna!.Body["name"]).Value);
        Assert.Equal(new NumberTrait(2.176435e-8), m.Dna.Body["lambda_phi"]);
        var explore = m.Genes[0];
        Assert.Equal("Explore", explore.Purpose);
        Assert.Equal(new NumberTrait(0.92, false, 0, 1), explore.Traits["creativity_index"]);
        Assert.Equal(new NumberTrait(5, true), explore.Traits["recursive_improvement"]);
        Assert.Equal(new NumberTrait(5, false), explore.Traits["whole_float"]);
        Assert.Equal(new NumberTrait(2, true, 1, null), explore.Traits["half_open"]);
        Assert.Equal(new NumberTrait(1e21), explore.Traits["big"]);
        Assert.Equal("an integer", explore.Traits.TryGetEntry("recursive_improvement", out var e) ? e.Trivia.TrailingComment : null);
        Assert.Equal(new ListTrait([new TextTrait("crossover"), new TextTrait("mutation"), new NumberTrait(3, true), new ListTrait([new BooleanTrait(true)])]), explore.Traits["genetic_operators"]);
        Assert.Equal(new MutationRule("expand_search_space", "stagnation_detected", "increase_mutation_rate"), Assert.Single(explore.MutationRules));
        Assert.Empty(m.Genes[1].Traits);
        Assert.Equal(["A hand-written organism covering every format feature of organisms.md §3.1."], m.Trivia.LeadingComments);
        Assert.Equal(["before the closing brace"], m.ClosingComments);
        Assert.Equal(["after the organism"], m.TrailingComments);
        var other = Assert.Single(m.OtherSections);
        Assert.Equal("AUTOPOIESIS", other.Keyword);
        Assert.Equal(["unknown sections are kept"], ((MapSection)other).Body[0].Trivia.LeadingComments);
    }

    [Fact]
    public void Samples_ParseAndRoundTrip()
    {
        foreach (string name in new[] { "aura_research_001.dna", "aiden_research_001.dna" })
        {
            string text = Fixture(name);
            var m = DnaText.Parse(text);
            string canonical = DnaText.Serialize(m);
            Assert.Equal(m, DnaText.Parse(canonical));
            Assert.Equal(canonical, DnaText.Serialize(DnaText.Parse(canonical)));
        }
    }

    [Fact]
    public void Samples_AidenIsAlreadyCanonical_AuraDiffersOnlyInCommentSpacingAndATrailingZero()
    {
        Assert.Equal(Fixture("aiden_research_001.dna"), DnaText.Serialize(DnaText.Parse(Fixture("aiden_research_001.dna"))));
        string aura = Fixture("aura_research_001.dna");
        string expected = aura.Replace("24  # hours", "24 # hours", StringComparison.Ordinal).Replace("entanglement: 0.90", "entanglement: 0.9", StringComparison.Ordinal);
        Assert.Equal(expected, DnaText.Serialize(DnaText.Parse(aura)));
    }

    [Fact]
    public void Samples_ContentMatchesTheFile()
    {
        var aura = DnaText.Parse(Fixture("aura_research_001.dna"));
        Assert.Equal("AURA_Research_Catalyst", aura.Name);
        Assert.Equal(["ExploreNovelArchitectures", "GenerateExperimentDesigns", "EvolveQuantumAlgorithms", "AutopoieticCodeGeneration"], aura.Genes.Select(g => g.Name));
        Assert.Equal(new NumberTrait(2.176435e-8), aura.Dna!.Body["lambda_phi"]);
        Assert.Equal(new NumberTrait(5, true), aura.Genes[0].Traits["recursive_improvement"]);
        Assert.Equal(2, aura.Genes[0].MutationRules.Count);
        Assert.Equal(new NumberTrait(7, true), ((MapTrait)((MapTrait)aura.Quantum!.Body["circuits"]).Map["creativity_amplifier"]).Map["qubits"]);
        Assert.Equal("hours", ((MapSection)aura.OtherSections[0]).Body.TryGetEntry("self_improvement_cycle", out var e) ? e.Trivia.TrailingComment : null);
        var aiden = DnaText.Parse(Fixture("aiden_research_001.dna"));
        Assert.Equal(3, aiden.Genes.Count);
        Assert.Equal(new BooleanTrait(true), aiden.Genes[1].Traits["statistical_validation"]);
    }

    [Theory]
    [InlineData("", "1:1 expected 'ORGANISM <Name> {'")]
    [InlineData("ORGANISM {", "1:10 expected the organism name after 'ORGANISM'")]
    [InlineData("ORGANISM X {\n  DNA {\n    a: 1\n", "4:1 expected '}' to close DNA opened at 2:7")]
    [InlineData("ORGANISM X {\n  DNA { a 1 }\n}", "2:11 expected ':' after key 'a', found a number")]
    [InlineData("ORGANISM X {\n  DNA { a: \"open\n}", "2:17 unterminated string (opened at 2:12): expected '\"' before the end of the line")]
    [InlineData("ORGANISM X { DNA { a: bare } }", "1:23 expected a value (number, true, false, \"text\", [list] or {map}), found 'bare'")]
    [InlineData("ORGANISM X { DNA { a: 1 a: 2 } }", "1:25 duplicate key 'a' in 'DNA': expected each key at most once")]
    [InlineData("ORGANISM X { GENOME { GENE G { TRAITS { t: 1 t: 2 } } } }", "1:46 duplicate trait 't' in gene 'G': expected each key at most once")]
    [InlineData("ORGANISM X { DNA {} DNA {} }", "1:21 duplicate section 'DNA': expected each of DNA, GENOME, QUANTUM, PHENOME and CONSCIOUSNESS at most once")]
    [InlineData("ORGANISM X { GENOME { GENE G {} GENE G {} } }", "1:33 duplicate gene 'G': expected gene names to be unique")]
    [InlineData("ORGANISM X { DNA { a: 1e999 } }", "1:23 number is out of the range of a double: expected a finite number")]
    [InlineData("ORGANISM X { DNA { a: 12345678901234567890 } }", "1:23 integer is larger than 2^53 in magnitude: expected an integer in ±9007199254740992")]
    [InlineData("ORGANISM X { DNA { a: 1.x } }", "1:25 invalid number: expected a digit after '.'")]
    [InlineData("ORGANISM X { DNA { a: 5 in [2, 1] } }", "1:33 lower bound 2 exceeds upper bound 1")]
    [InlineData("ORGANISM X { DNA { a: \"\\q\" } }", "1:24 invalid escape \\q: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")]
    [InlineData("ORGANISM X { DNA { a: [1 # c\n] } }", "1:26 comments are not allowed inside a list")]
    [InlineData("ORGANISM X { DNA { a: 1 } } trailing", "1:29 expected the end of input after the organism's closing '}', found 'trailing'")]
    [InlineData("ORGANISM X { @ }", "1:14 unexpected character '@'")]
    [InlineData("ORGANISM X { GENOME { other {} } }", "1:23 expected 'GENE <Name> {' or '}', found 'other'")]
    public void Parse_InvalidText_ReportsLineColumnAndWhatWasExpected(string text, string message)
    {
        var ex = Assert.Throws<DnaSyntaxException>(() => DnaText.Parse(text));
        Assert.Equal(QuantumLmErrorCodes.InvalidGenome, ex.ErrorCode);
        Assert.Equal(message, ex.Message);
        Assert.StartsWith($"{ex.Line}:{ex.Column} ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeepNesting_FailsAtTheLimitWithoutStackOverflow()
    {
        string deep = "ORGANISM X { DNA { a: " + new string('[', 100_000) + new string(']', 100_000) + " } }";
        var ex = Assert.Throws<DnaSyntaxException>(() => DnaText.Parse(deep));
        Assert.Equal("1:85 nesting is deeper than the limit of 64 levels", ex.Message);
        string deepMaps = "ORGANISM X { DNA { " + string.Concat(Enumerable.Repeat("a: { ", 50_000)) + " } }";
        Assert.Contains("nesting is deeper than the limit of 64 levels", Assert.Throws<DnaSyntaxException>(() => DnaText.Parse(deepMaps)).Message, StringComparison.Ordinal);
        Assert.NotNull(DnaText.Parse("ORGANISM X { DNA { a: " + new string('[', 60) + new string(']', 60) + " } }"));
    }

    [Fact]
    public void Parse_HugeInput_IsRejectedBeforeParsing()
    {
        var options = new DnaParseOptions { MaxInputLength = 1000 };
        string big = "ORGANISM X { DNA { a: \"" + new string('x', 2000) + "\" } }";
        Assert.Equal("1:1 input is 2028 characters, more than the limit of 1000", Assert.Throws<DnaSyntaxException>(() => DnaText.Parse(big, options)).Message);
        Assert.Equal("1:1 input is 2028 bytes, more than the limit of 1000", Assert.Throws<DnaSyntaxException>(() => DnaText.ParseUtf8(Encoding.UTF8.GetBytes(big), options)).Message);
    }

    [Fact]
    public void Parse_LargeValidInput_WithinDefaultLimits()
    {
        var sb = new StringBuilder("ORGANISM Big {\n  GENOME {\n");
        for (int g = 0; g < 2000; g++)
        {
            sb.Append("    GENE G").Append(g).Append(" {\n      TRAITS {\n        a: 0.5\n        b: 7\n        c: \"text\"\n      }\n    }\n");
        }

        sb.Append("  }\n}\n");
        var m = DnaText.Parse(sb.ToString());
        Assert.Equal(2000, m.Genes.Count);
    }

    [Fact]
    public void ParseUtf8_InvalidUtf8_ReportsPosition()
    {
        byte[] bytes = [.. "ORGANISM X {\n  DNA { a: \""u8, 0xC3, 0x28, .. "\" } }"u8];
        var ex = Assert.Throws<DnaSyntaxException>(() => DnaText.ParseUtf8(bytes));
        Assert.Equal("2:13 invalid UTF-8 (byte 0xC3 at offset 25): expected UTF-8 text", ex.Message);
    }

    [Fact]
    public void Parse_CrLfAndTabs_ReadTheSameAsCanonicalText()
    {
        string crlf = HandWrittenSample.Replace("\n", "\r\n", StringComparison.Ordinal).Replace("  ", "\t", StringComparison.Ordinal);
        Assert.Equal(DnaText.Parse(HandWrittenSample), DnaText.Parse(crlf));
        Assert.Equal(HandWrittenSample, DnaText.Serialize(DnaText.Parse(crlf)));
    }

    [Fact]
    public void ParseUtf8_Bom_IsIgnored() =>
        Assert.Equal("X", DnaText.ParseUtf8([0xEF, 0xBB, 0xBF, .. "ORGANISM X {}"u8]).Name);

    [Fact]
    public void Parse_AcceptsNonCanonicalSpellings()
    {
        var m = DnaText.Parse("ORGANISM X { DNA { m { a: 1, b: 2 } l: [1, 2,] n: 007 e: 1E+3 } GENOME { GENE G { TRAITS: { t: 1 } } } }");
        Assert.Equal(new MapTrait(PropertyMap.Create(("a", new NumberTrait(1, true)), ("b", new NumberTrait(2, true)))), m.Dna!.Body["m"]);
        Assert.Equal(new ListTrait([new NumberTrait(1, true), new NumberTrait(2, true)]), m.Dna.Body["l"]);
        Assert.Equal(new NumberTrait(7, true), m.Dna.Body["n"]);
        Assert.Equal(new NumberTrait(1000), m.Dna.Body["e"]);
        Assert.Equal(new NumberTrait(1, true), m.Genes[0].Traits["t"]);
        Assert.Contains("e: 1000.0\n", DnaText.Serialize(m), StringComparison.Ordinal);
    }

    [Fact]
    public void Model_RejectsInvalidValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NumberTrait(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NumberTrait(double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NumberTrait(2.5, isInteger: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NumberTrait(1, false, 2, 1));
        Assert.Throws<ArgumentException>(() => new PropertyEntry("1bad", new BooleanTrait(true)));
        Assert.Throws<ArgumentException>(() => new Trivia(["line\nbreak"]));
        Assert.Throws<ArgumentException>(() => PropertyMap.Create(("a", new BooleanTrait(true)), ("a", new BooleanTrait(false))));
        Assert.Throws<ArgumentException>(() => new Organism("X", [new MapSection("DNA"), new MapSection("DNA")]));
        Assert.Throws<ArgumentException>(() => new GenomeSection([new Gene("G"), new Gene("G")]));
        Assert.Throws<ArgumentException>(() => new Gene("G", properties: PropertyMap.Create(("TRAITS", new BooleanTrait(true)))));
    }

    [Fact]
    public void Model_HasStructuralEquality()
    {
        var a = DnaText.Parse(HandWrittenSample);
        var b = DnaText.Parse(HandWrittenSample);
        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, a.WithGenes(a.Genes.Take(1)));
    }
}
