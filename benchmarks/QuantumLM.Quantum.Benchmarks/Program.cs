using System.Diagnostics;
using BenchmarkDotNet.Running;
using QuantumLM.Quantum.Benchmarks.Metrics;

if (args.Length > 0 && args[0] == "--probe")
{
    // A quick one-shot sanity run of the metrics workloads (not a measurement; use the benchmarks for figures).
    MetricsProbe.Run(args.Skip(1).ToArray());
    return;
}

if (args.Length > 0 && args[0] == "--transpile-probe")
{
    // Quality of the transpiled 20-qubit QFT on ibm_fez (not a timing: the benchmark measures time).
    var qft = QuantumLM.Quantum.OpenQasm.OpenQasmParser.Parse(QuantumLM.Quantum.Benchmarks.Transpilation.TranspileBenchmarks.Qft(20));
    var fez = QuantumLM.Quantum.Tests.Transpilation.Devices.IbmFez();
    foreach (int passes in new[] { 0, 1, 2, 3 })
    {
        var sw = Stopwatch.StartNew();
        var r = QuantumLM.Quantum.Transpilation.IsaTranspiler.Transpile(qft, fez, new QuantumLM.Quantum.Transpilation.TranspileOptions { LayoutRefinementPasses = passes });
        Console.WriteLine($"refinement passes {passes}: swaps {r.SwapCount}, cz {r.TwoQubitGateCount}, ops {r.Circuit.Operations.Length}, active qubits {r.ActiveQubits.Length} (one cold run: {sw.ElapsedMilliseconds} ms, not a measurement)");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

internal static partial class Program;
