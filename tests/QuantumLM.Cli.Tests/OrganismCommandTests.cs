using System.Text.Json.Nodes;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Organisms;

namespace QuantumLM.Cli.Tests;

public sealed class OrganismCommandTests : CliTestBase
{
    private const string Genome = """
        ORGANISM Cli_Test {
          DNA {
            name: "cli"
          }

          GENOME {
            GENE A {
              TRAITS {
                x: 0.5
                n: 10
                label: "keep"
              }
            }

            GENE B {
              TRAITS {
                y: 2.5
              }
            }
          }

          QUANTUM {}
        }

        """;

    private const string Partner = """
        ORGANISM Partner {
          GENOME {
            GENE C {
              TRAITS {
                z: 1
              }
            }

            GENE A {
              TRAITS {
                x: 0.25
              }
            }
          }
        }

        """;

    [Fact]
    public async Task Parse_PrintsCanonicalGenomeHashAndReport()
    {
        var (code, output, err) = await RunAsync("organism", "parse", Write("g.dna", Genome.Replace("    x: 0.5", "    x:   0.50", StringComparison.Ordinal)));
        Assert.Equal(0, code);
        Assert.Empty(err);
        var json = JsonNode.Parse(output)!;
        Assert.Equal(Genome, (string)json["genome"]!);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Genome))), (string)json["dna_sha256"]!);
        Assert.Equal("parse", (string)json["report"]!["operator"]!);
        Assert.Equal("[\"A\",\"B\"]", json["report"]!["genes"]!.ToJsonString());
    }

    [Theory]
    [InlineData("ORGANISM X {\n  DNA {\n    a: 1\n", "error: dna: 4:1 expected '}' to close DNA opened at 2:7")]
    [InlineData("ORGANISM X { DNA { a: \"open\n} }", "error: dna: 1:28 unterminated string (opened at 1:23): expected '\"' before the end of the line")]
    [InlineData("GENOME {}", "error: dna: 1:1 expected 'ORGANISM <Name> {'")]
    public async Task InvalidGenome_IsExit2WithLineAndColumn(string text, string message)
    {
        foreach (string op in new[] { "parse", "evolve", "enhance" })
        {
            var (code, output, err) = await RunAsync("organism", op, Write("bad.dna", text));
            Assert.Equal(2, code);
            Assert.Empty(output);
            Assert.Equal(message, err.TrimEnd('\n', '\r'));
        }
    }

    [Fact]
    public async Task InvalidUtf8_IsExit2()
    {
        string path = Path.Combine(Dir, "bin.dna");
        await File.WriteAllBytesAsync(path, [.. "ORGANISM X { DNA { a: \""u8, 0xFF, .. "\" } }"u8]);
        var (code, _, err) = await RunAsync("organism", "parse", path);
        Assert.Equal(2, code);
        Assert.Equal("error: dna: 1:24 invalid UTF-8 (byte 0xFF at offset 23): expected UTF-8 text", err.Trim());
    }

    [Fact]
    public async Task MissingFile_IsExit2()
    {
        var (code, _, err) = await RunAsync("organism", "parse", Path.Combine(Dir, "nope.dna"));
        Assert.Equal(2, code);
        Assert.StartsWith("error: file: ", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedFile_IsExit2BeforeReading()
    {
        string path = Path.Combine(Dir, "huge.dna");
        await using (var f = File.Create(path))
        {
            f.SetLength(OrganismCommand.MaxGenomeBytes + 1);
        }

        var (code, output, err) = await RunAsync("organism", "heal", path);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Equal($"error: file: {path}: 16777217 bytes exceeds the limit of 16777216", err.Trim());
    }

    [Fact]
    public async Task Heal_RepairsAndListsFixes()
    {
        var (code, output, _) = await RunAsync("organism", "heal", Write("broken.dna", "ORGANISM X {\n  GENOME {\n    GENE A {\n      TRAITS {\n        t: 1.5 in [0, 1]\n"));
        Assert.Equal(0, code);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("[\"balance_braces\",\"add_section:DNA\",\"add_section:QUANTUM\",\"clamp:A.t\"]", json["report"]!["fixes"]!.ToJsonString());
        Assert.Equal("self_heal", (string)json["report"]!["operator"]!);
        Assert.NotNull(DnaText.Parse((string)json["genome"]!));
    }

    [Fact]
    public async Task Evolve_IsSeededAndReportsRealChanges()
    {
        string path = Write("g.dna", Genome);
        var (code, output, _) = await RunAsync("organism", "evolve", path, "--seed", "42", "--rate", "1");
        Assert.Equal(0, code);
        var (_, again, _) = await RunAsync("organism", "evolve", path, "--seed", "42", "--rate", "1");
        Assert.Equal(output, again);
        var json = JsonNode.Parse(output)!;
        var report = json["report"]!;
        Assert.Equal(42UL, (ulong)report["seed"]!);
        Assert.Equal("xoshiro256**", (string)report["rng"]!);
        var expected = OrganismOperators.Evolve(DnaText.Parse(Genome), 42, new EvolveOptions { Rate = 1 });
        Assert.Equal(DnaText.Serialize(expected.Child), (string)json["genome"]!);
        Assert.Equal(expected.Report.Changes, (int)report["changes"]!);
        Assert.Equal(expected.Report.Changes, report["changed_traits"]!.AsArray().Count);

        var (zeroCode, zero, _) = await RunAsync("organism", "evolve", path, "--rate", "0");
        Assert.Equal(0, zeroCode);
        Assert.Equal(Genome, (string)JsonNode.Parse(zero)!["genome"]!);
        Assert.Equal(0, (int)JsonNode.Parse(zero)!["report"]!["changes"]!);
    }

    [Theory]
    [InlineData("--rate", "1.5", "error: usage: --rate must be in [0, 1]")]
    [InlineData("--mode", "sideways", "error: usage: --mode must be multiplicative or gaussian, not 'sideways'")]
    public async Task Evolve_BadOptions_AreExit2(string option, string value, string message)
    {
        var (code, _, err) = await RunAsync("organism", "evolve", Write("g.dna", Genome), option, value);
        Assert.Equal(2, code);
        Assert.Equal(message, err.Trim());
    }

    [Fact]
    public async Task Crossover_NeedsPartner_AndAlignsGenesByName()
    {
        string path = Write("g.dna", Genome);
        var (missingCode, _, missingErr) = await RunAsync("organism", "crossover", path);
        Assert.Equal(2, missingCode);
        Assert.Equal("error: usage: crossover needs --partner other.dna", missingErr.Trim());

        var (code, output, _) = await RunAsync("organism", "crossover", path, "--partner", Write("p.dna", Partner), "--seed", "7", "--mode", "onepoint", "--point", "0.5");
        Assert.Equal(0, code);
        var json = JsonNode.Parse(output)!;
        var child = DnaText.Parse((string)json["genome"]!);
        Assert.Equal(["A", "B", "C"], child.Genes.Select(g => g.Name));
        Assert.Equal("Cli_Test", child.Name);
        Assert.Equal(1, (int)json["report"]!["cut"]!);

        var (badCode, _, badErr) = await RunAsync("organism", "crossover", path, "--partner", Write("bad.dna", "ORGANISM P {"));
        Assert.Equal(2, badCode);
        Assert.Equal("error: dna: 1:13 expected '}' to close ORGANISM opened at 1:12 (in --partner bad.dna)", badErr.Trim());
    }

    [Fact]
    public async Task Enhance_OnTheLocalSimulator_SetsTheRateFromPhi()
    {
        var (code, output, err) = await RunAsync("organism", "enhance", Write("g.dna", Genome), "--backend", "local", "--seed", "5", "--qubits", "3");
        Assert.True(code == 0, err);
        var report = JsonNode.Parse(output)!["report"]!;
        double phi = (double)report["metrics"]!["phi"]!;
        // A noiseless GHZ_3 gives only 000 and 111, so Φ = H(p)·(3 − 1)/(3 − 1) = H(p) with p ≈ ½: close to 1.
        Assert.InRange(phi, 0.99, 1.0);
        Assert.Equal(0.5 * phi, (double)report["mu"]!, 12);
        Assert.False((bool)report["fallback"]!);
    }

    [Fact]
    public async Task Enhance_UnknownBackend_IsInvalidInput()
    {
        var (code, _, err) = await RunAsync("organism", "enhance", Write("g.dna", Genome), "--backend", "ibm_nowhere");
        Assert.Equal(2, code);
        Assert.StartsWith("error: backend_not_found: no backend named 'ibm_nowhere'", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enhance_RunsThroughTheResolvedBackend_AndFallbackIsMarked()
    {
        OrganismCommand.EnhanceServicesOverride.Value = name => name == "local"
            ? (new AllZerosBackend(), new PhiHalfMetrics())
            : throw new QuantumLmException(QuantumLmErrorCodes.BackendNotFound, $"no backend named '{name}'");
        string path = Write("g.dna", Genome);
        var (code, output, err) = await RunAsync("organism", "enhance", path, "--seed", "3", "--qubits", "4");
        Assert.Equal(0, code);
        var report = JsonNode.Parse(output)!["report"]!;
        Assert.Equal("quantum_enhance", (string)report["operator"]!);
        Assert.Equal(0.25, (double)report["mu"]!); // μ = 0.5 · Φ with Φ = 0.5
        Assert.Equal(0.5, (double)report["metrics"]!["phi"]!);
        Assert.Contains("cx q[0],q[3];", (string)report["circuit"]!, StringComparison.Ordinal);
        Assert.False((bool)report["fallback"]!);

        OrganismCommand.EnhanceServicesOverride.Value = _ => (new AllZerosBackend(fail: true), new PhiHalfMetrics());
        var (failCode, _, failErr) = await RunAsync("organism", "enhance", path);
        Assert.Equal(1, failCode);
        Assert.Equal("error: job_failed: quantum_enhance on backend 'local' failed: device error", failErr.Trim());
        var (fbCode, fbOut, _) = await RunAsync("organism", "enhance", path, "--fallback");
        Assert.Equal(0, fbCode);
        var fb = JsonNode.Parse(fbOut)!["report"]!;
        Assert.True((bool)fb["fallback"]!);
        Assert.Equal("evolve", (string)fb["operator"]!);
        Assert.Equal("device error", (string)fb["failure_reason"]!);
    }

    /// <summary>Returns all-zero counts (or fails like a device error).</summary>
    private sealed class AllZerosBackend(bool fail = false) : IQuantumBackend
    {
        public string Name => "local";

        public Task<BackendStatus> GetStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(new BackendStatus(Name, true, "ok", 0, 24));

        public Task<QuantumJobOperation> SubmitAsync(QuantumCircuit circuit, QuantumJobOptions options, CancellationToken cancellationToken = default)
        {
            if (fail)
            {
                throw new QuantumLmException(QuantumLmErrorCodes.JobFailed, "device error");
            }

            var counts = Counts.FromCanonical(circuit.QubitCount, [new(new string('0', circuit.QubitCount), options.Shots)]);
            return Task.FromResult<QuantumJobOperation>(new Done(new QuantumJobResult { Counts = counts, RegisterCounts = new Dictionary<string, Counts> { ["c"] = counts }, Shots = options.Shots }));
        }

        public Task<QuantumJobOperation> AttachAsync(string backendJobId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        private sealed class Done(QuantumJobResult result) : QuantumJobOperation
        {
            public override string Id => "job-1";

            public override string BackendName => "local";

            public override QuantumJobStatus Status => QuantumJobStatus.Completed;

            public override Task<QuantumJobStatus> UpdateStatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(Status);

            public override Task<QuantumJobResult> WaitForCompletionAsync(CancellationToken cancellationToken = default) => Task.FromResult(result);

            public override Task CancelAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
        }
    }

    /// <summary>A fixed-value calculator: Φ = 0.5, so μ = 0.25 (the operator's formula is tested in the Organisms tests).</summary>
    private sealed class PhiHalfMetrics : ITensorMetricsCalculator
    {
        public TensorMetrics Compute(Counts counts, ProbabilityDistribution? ideal, TensorMetricsOptions? options = null) =>
            new() { Phi = 0.5, Lambda = 0.5, Gamma = 0.5, Shots = counts.Shots, Width = counts.Width, IdealSource = IdealSources.Distribution };
    }
}
