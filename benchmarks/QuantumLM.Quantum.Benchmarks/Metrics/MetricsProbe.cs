using System.Diagnostics;
using QuantumLM.Quantum.Metrics;

namespace QuantumLM.Quantum.Benchmarks.Metrics;

/// <summary>A one-shot sanity run of the W₂ workloads with solver statistics (not a measurement; the figures come from the benchmarks).</summary>
internal static class MetricsProbe
{
    public static void Run(string[] args)
    {
        foreach (string name in args)
        {
            var c = MetricsCase.Create(name);
            Console.WriteLine(c);
            var sw = Stopwatch.StartNew();
            var r = MetricsEngine.W2(c.P, c.Q, long.MaxValue);
            sw.Stop();
            Console.WriteLine($"  W2 = {r.Value:R} ({r.Method}) in {sw.Elapsed.TotalMilliseconds:F1} ms; {HammingTransport.LastStatistics}; GC heap {GC.GetTotalMemory(false) / 1e6:F0} MB, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        }
    }
}
