using Microsoft.Extensions.Options;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Metrics;
using QuantumLM.Quantum.OpenQasm;
using QuantumLM.Quantum.Simulation;

namespace QuantumLM.Quantum.Tests.Docs;

/// <summary>Keeps the README's SDK quick start true: the same code, run.</summary>
public sealed class ReadmeQuickStartTests
{
    [Fact]
    public async Task QuickStart_RunsAndGivesGhzMetrics()
    {
        string qasm = "OPENQASM 2.0; include \"qelib1.inc\"; qreg q[3]; creg c[3]; h q[0]; cx q[0],q[1]; cx q[1],q[2]; measure q -> c;";
        var backend = new LocalSimulatorBackend(Options.Create(new LocalSimulatorOptions()));
        QuantumJobOperation job = await backend.SubmitAsync(QasmCircuitFactory.Create(qasm), new QuantumJobOptions { Shots = 4096, Seed = 7 });
        QuantumJobResult result = await job.WaitForCompletionAsync();
        ProbabilityDistribution ideal = new StatevectorSimulator().GetIdealDistribution(OpenQasmParser.Parse(qasm));
        TensorMetrics m = new TensorMetricsCalculator().Compute(result.Counts, ideal);
        string json = TensorMetricsJson.ToJsonString(m, indented: true);

        Assert.Equal(4096, result.Counts.Shots);
        Assert.Equal(["000", "111"], result.Counts.Keys);
        Assert.InRange(m.Phi!.Value, 0.99, 1.0);
        Assert.InRange(m.Lambda!.Value, 0.99, 1.0);
        Assert.Contains("\"metrics_version\": \"std-1\"", json, StringComparison.Ordinal);
    }
}
