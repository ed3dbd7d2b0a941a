using System.Diagnostics;
using BenchmarkDotNet.Running;
using QuantumLM.Quantum.Benchmarks.Metrics;

if (args.Length > 0 && args[0] == "--probe")
{
    // A quick one-shot sanity run of the metrics workloads (not a measurement; use the benchmarks for figures).
    MetricsProbe.Run(args.Skip(1).ToArray());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

internal static partial class Program;
