using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using QuantumLM.Organisms;
using QuantumLM.Organisms.Benchmarks;

if (args is ["--cpu-time", ..])
{
    // CPU time per operation (Process.TotalProcessorTime), which a machine shared with other builds inflates far
    // less than wall-clock time. Usage: --cpu-time [iterations]
    int iterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
    string text = DnaTextBenchmarks.BuildGenome(1024 * 1024);
    Console.WriteLine($"genome: {text.Length} chars, {DnaText.Parse(text).Genes.Count} genes");
    Measure("parse + serialize 1 MiB", () => DnaText.Serialize(DnaText.Parse(text)).Length);
    Measure("parse 1 MiB", () => DnaText.Parse(text).Genes.Count);
    var organism = DnaText.Parse(text);
    Measure("serialize 1 MiB", () => DnaText.Serialize(organism).Length);

    void Measure(string name, Func<int> op)
    {
        for (int i = 0; i < 10; i++)
        {
            op();
        }

        GC.Collect();
        var process = Process.GetCurrentProcess();
        TimeSpan cpu0 = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++)
        {
            op();
        }

        wall.Stop();
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).TotalMilliseconds / iterations;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {cpu:F2} ms CPU/op (all threads, GC included), {wall.Elapsed.TotalMilliseconds / iterations:F2} ms wall/op, {iterations} iterations"));
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
