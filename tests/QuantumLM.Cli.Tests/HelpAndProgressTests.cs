using System.Text.Json.Nodes;

namespace QuantumLM.Cli.Tests;

public sealed class HelpAndProgressTests : CliTestBase
{
    public static TheoryData<string[], string> Commands => new()
    {
        { ["metrics"], "quantumlm metrics --counts counts.json" },
        { ["run"], "quantumlm run ghz.qasm --shots 4096 --seed 7 --metrics" },
        { ["backends"], "quantumlm backends --backend local" },
        { ["organism"], "quantumlm organism parse genome.dna" },
        { ["organism", "parse"], "quantumlm organism parse genome.dna" },
        { ["organism", "heal"], "quantumlm organism heal broken.dna" },
        { ["organism", "evolve"], "quantumlm organism evolve genome.dna --rate 0.2" },
        { ["organism", "crossover"], "quantumlm organism crossover a.dna --partner b.dna" },
        { ["organism", "enhance"], "quantumlm organism enhance genome.dna --backend local" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task CommandHelp_ShowsAnExample(string[] command, string example)
    {
        var (code, output, err) = await RunAsync([.. command, "--help"]);
        Assert.Equal(0, code);
        Assert.Empty(err);
        Assert.Contains("Example", output, StringComparison.Ordinal);
        Assert.Contains(example, output, StringComparison.Ordinal);
        Assert.Contains("--progress", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RootHelp_ListsEveryCommandWithAnExample()
    {
        var (code, output, _) = await RunAsync("--help");
        Assert.Equal(0, code);
        foreach (string line in new[] { "  metrics    quantumlm metrics ", "  run        quantumlm run ", "  backends   quantumlm backends", "  organism   quantumlm organism " })
        {
            Assert.Contains(line, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_WithProgress_ReportsStagesOnStderr_AndStdoutStaysJson()
    {
        string path = Write("ghz.qasm", "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\nmeasure q -> c;\n");
        var (code, output, err) = await RunAsync("run", path, "--shots", "256", "--seed", "4", "--metrics", "--progress");

        Assert.Equal(0, code);
        JsonObject json = JsonNode.Parse(output)!.AsObject(); // the whole of stdout is one JSON document
        Assert.Equal(256, (int)json["shots"]!);
        string[] lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.StartsWith("progress: ", l, StringComparison.Ordinal));
        Assert.Equal("progress: run ghz.qasm...", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("progress: simulating 3 qubits, 256 shots on local", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("progress: computing metrics", StringComparison.Ordinal));
        Assert.StartsWith("progress: run ghz.qasm: finished in ", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutProgress_WhenStderrIsNotATerminal_WritesNothingToStderr()
    {
        string path = Write("bell.qasm", "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n");
        var (code, _, err) = await RunAsync("run", path, "--shots", "64", "--seed", "1");
        Assert.Equal(0, code);
        Assert.Empty(err);
    }

    [Fact]
    public async Task OrganismEvolve_WithProgress_ReportsTheMutationOnStderr()
    {
        string path = Write("g.dna", "ORGANISM Demo {\n  GENOME {\n    GENE A {\n      TRAITS {\n        x: 0.5\n      }\n    }\n  }\n}\n");
        var (code, output, err) = await RunAsync("organism", "evolve", path, "--rate", "1", "--seed", "3", "--progress");
        if (code != 0)
        {
            Assert.Fail(err); // the genome syntax is the parser's: show why it refused
        }

        Assert.NotNull(JsonNode.Parse(output)!["genome"]);
        Assert.Contains("progress: mutating with rate 1 and sigma 0.2", err, StringComparison.Ordinal);
    }
}
