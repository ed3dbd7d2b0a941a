using System.Diagnostics;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Metrics;

namespace QuantumLM.Quantum.Benchmarks.Metrics;

internal static class MetricsProbe
{
    public static void Run(string[] args)
    {
        int width = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
        int shots = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        var a = NoisyGhz.Counts(width, shots, 1);
        var b = NoisyGhz.Counts(width, shots, 2);
        Console.WriteLine($"width {width} shots {shots}: supports {a.Count} x {b.Count}");
        var pa = PackedCounts.From(a);
        var pb = PackedIdeal.From(ProbabilityDistribution.FromCounts(b));
        for (int rep = 0; rep < 2; rep++)
        {
            var sw = Stopwatch.StartNew();
            var r = MetricsEngine.W2(pa, pb, long.MaxValue);
            sw.Stop();
            var st = HammingTransport.LastStatistics;
            Console.WriteLine($"W2 = {r.Value:R} ({r.Method}) in {sw.Elapsed.TotalMilliseconds:F1} ms; {st}; GC heap {GC.GetTotalMemory(false) / 1e6:F0} MB");
        }
    }
}
