using System.CommandLine;
using System.Text;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Metrics;

namespace QuantumLM.Cli.Commands;

/// <summary>
/// <c>quantumlm metrics --counts counts.json [--ideal ideal.json] [--ideal-kind distribution|counts] [--width N]
/// [--bootstrap B] [--seed S]</c>: prints the metrics JSON object of design/metrics.md §5.6.
/// </summary>
internal static class MetricsCommand
{
    /// <summary>The largest input file accepted.</summary>
    public const long MaxFileBytes = CountsJson.MaxDocumentBytes;

    public static Command Create(CliIO io)
    {
        var counts = new Option<string>("--counts")
        {
            Description = "Measured counts: a JSON object {\"<bitstring>\": <count>, ...} (binary, space-separated registers or 0x-hex keys).",
            Required = true,
        };
        var ideal = new Option<string?>("--ideal")
        {
            Description = "The ideal: a probability distribution {\"<bitstring>\": <probability>} or reference counts (see --ideal-kind). Without it lambda, gamma and w2 are null.",
        };
        var idealKind = new Option<string>("--ideal-kind")
        {
            Description = "How to read --ideal: 'distribution' (probabilities summing to 1 within 1e-9) or 'counts' (reference counts).",
            DefaultValueFactory = _ => "distribution",
        };
        idealKind.AcceptOnlyFromAmong("distribution", "counts");
        var width = new Option<int?>("--width")
        {
            Description = "The declared classical width n (default: the longest key of the counts).",
        };
        var bootstrap = new Option<int>("--bootstrap")
        {
            Description = "Percentile-bootstrap resamples for the 95% intervals of lambda, phi and w2 (0 = none).",
            DefaultValueFactory = _ => 0,
        };
        var seed = new Option<ulong>("--seed")
        {
            Description = "Bootstrap seed (the intervals are reproducible from it).",
            DefaultValueFactory = _ => 0,
        };

        var command = new Command("metrics", "Compute the ΛΦ tensor metrics (phi, lambda, gamma, exact W2 under the Hamming metric) of measured counts.\n\n" +
            "Examples:\n" +
            "  quantumlm metrics --counts counts.json\n" +
            "  quantumlm metrics --counts counts.json --ideal ideal.json\n" +
            "  quantumlm metrics --counts counts.json --ideal reference.json --ideal-kind counts --width 3 --bootstrap 2000 --seed 1\n" +
            "counts.json: {\"000\": 498, \"111\": 502}   ideal.json: {\"000\": 0.5, \"111\": 0.5}")
        {
            counts, ideal, idealKind, width, bootstrap, seed,
        };

        command.SetAction((ParseResult pr, CancellationToken ct) => io.GuardAsync(async () =>
        {
            int samples = pr.GetValue(bootstrap);
            if (samples < 0)
            {
                throw new QuantumLmException(CliErrorCodes.Usage, $"--bootstrap must be 0 or more, not {samples}");
            }

            string countsPath = pr.GetValue(counts)!;
            string countsText = await CliIO.ReadFileAsync(countsPath, MaxFileBytes, ct);
            Counts measured = CountsJson.ReadCounts(Encoding.UTF8.GetBytes(countsText), pr.GetValue(width), countsPath);

            ProbabilityDistribution? q = null;
            if (pr.GetValue(ideal) is string idealPath)
            {
                byte[] idealBytes = Encoding.UTF8.GetBytes(await CliIO.ReadFileAsync(idealPath, MaxFileBytes, ct));
                q = pr.GetValue(idealKind) == "counts"
                    ? CountsJson.ReadReferenceCounts(idealBytes, idealPath)
                    : CountsJson.ReadIdealDistribution(idealBytes, idealPath);
            }

            var options = new TensorMetricsOptions { BootstrapSamples = samples, BootstrapSeed = pr.GetValue(seed) };
            TensorMetrics metrics = new TensorMetricsCalculator().Compute(measured, q, options, ct);
            await io.WriteJsonAsync(TensorMetricsJson.ToJsonNode(metrics));
        }));
        return command;
    }
}
