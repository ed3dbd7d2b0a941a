using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using QuantumLM.Organisms;

namespace QuantumLM.Organisms.Benchmarks;

/// <summary>Parse and serialize a 1 MiB genome (target: parse + serialize ≤ 20 ms).</summary>
[MemoryDiagnoser]
public class DnaTextBenchmarks
{
    private string _text = string.Empty;
    private byte[] _utf8 = [];
    private Organism _organism = null!;

    /// <summary>Builds a canonical genome of at least 1 MiB: genes with numeric, boolean, text, list and map traits, mutation rules and comments.</summary>
    internal static string BuildGenome(int minChars)
    {
        var sb = new StringBuilder("# benchmark genome\nORGANISM Bench {\n  DNA {\n    name: \"bench\"\n    lambda_phi: 2.176435e-8\n  }\n\n  GENOME {\n");
        int g = 0;
        while (sb.Length < minChars)
        {
            if (g > 0)
            {
                sb.Append('\n');
            }

            sb.Append(CultureInfo.InvariantCulture, $"    GENE Gene_{g} {{\n      purpose: \"Gene number {g} with an \\\"escaped\\\" purpose\"\n\n      TRAITS {{\n");
            sb.Append(CultureInfo.InvariantCulture, $"        creativity_index: 0.{g % 97 + 1} in [0, 1]\n        population_size: {g % 500}\n        rate: {g}.125e-3 # comment\n");
            sb.Append("        enabled: true\n        label: \"trait text\"\n        operators: [\"crossover\", \"mutation\", 3, 4.5]\n\n        params: {\n          depth: 3\n          gates: [\"h\", \"cx\"]\n        }\n      }\n\n");
            sb.Append("      MUTATIONS {\n        expand {\n          trigger: \"stagnation_detected\"\n          action: \"increase_mutation_rate\"\n        }\n      }\n    }\n");
            g++;
        }

        sb.Append("  }\n\n  QUANTUM {\n    backend: \"local\"\n  }\n}\n");
        return DnaText.Serialize(DnaText.Parse(sb.ToString())); // canonical form
    }

    [GlobalSetup]
    public void Setup()
    {
        _text = BuildGenome(1024 * 1024);
        _utf8 = Encoding.UTF8.GetBytes(_text);
        _organism = DnaText.Parse(_text);
        if (DnaText.Serialize(_organism) != _text)
        {
            throw new InvalidOperationException("benchmark genome is not canonical");
        }
    }

    [Benchmark(Baseline = true, Description = "parse + serialize 1 MiB")]
    public string ParseAndSerialize() => DnaText.Serialize(DnaText.Parse(_text));

    [Benchmark(Description = "parse 1 MiB (string)")]
    public Organism Parse() => DnaText.Parse(_text);

    [Benchmark(Description = "parse 1 MiB (UTF-8 bytes)")]
    public Organism ParseUtf8() => DnaText.ParseUtf8(_utf8);

    [Benchmark(Description = "serialize 1 MiB")]
    public string Serialize() => DnaText.Serialize(_organism);

    [Benchmark(Description = "DnaSha256 1 MiB")]
    public string Sha256() => DnaText.ComputeSha256(_organism);

    [Benchmark(Description = "self_heal 1 MiB (valid text)")]
    public Organism SelfHeal() => OrganismOperators.SelfHeal(_text).Child;

    [Benchmark(Description = "evolve 1 MiB (μ = 0.1)")]
    public Organism Evolve() => OrganismOperators.Evolve(_organism, 7).Child;
}
