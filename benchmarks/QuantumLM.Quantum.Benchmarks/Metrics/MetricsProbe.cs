using System.Diagnostics;
using QuantumLM.Quantum.Metrics;

namespace QuantumLM.Quantum.Benchmarks.Metrics;

/// <summary>A one-shot sanity run of the W₂ workloads with solver statistics (not a measurement; the figures come from the benchmarks).</summary>
internal static class MetricsProbe
{
    private static void Time(string what, Func<double> f)
    {
        double best = double.MaxValue;
        for (int rep = 0; rep < 30; rep++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 20; i++)
            {
                f();
            }

            best = Math.Min(best, sw.Elapsed.TotalMilliseconds / 20);
        }

        Console.WriteLine($"  {what}: best {best * 1000:F1} us");
    }

    public static void Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "kernels")
        {
            var c50 = MetricsCase.Create("50bit-1e5");
            Time("marginals", () => MetricsEngine.MarginalCounts(c50.P)[0]);
            Time("entropy", () => MetricKernels.EntropyOfCounts(c50.P.Counts, c50.P.Shots));
            Time("phi(all)", () => MetricsEngine.Phi(c50.P, false).Phi!.Value);
            Time("fidelity", () => MetricsEngine.Fidelity(c50.P, c50.Q).Lambda);
            return;
        }

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
