using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using QuantumLM.Quantum.Circuits;
using QuantumLM.Quantum.OpenQasm;
using QuantumLM.Quantum.Tests.Transpilation;
using QuantumLM.Quantum.Transpilation;

namespace QuantumLM.Quantum.Benchmarks.Transpilation;

/// <summary>
/// Transpiling a 20-qubit QFT (190 controlled phases, final swaps) for ibm_fez's 156-qubit heavy-hex coupling map.
/// Target: ≤ 200 ms for the default pipeline. Baseline: the same pipeline without SABRE's forward-backward layout
/// refinement (a single routing pass from the greedy layout), so the ratio is the price of the better layout.
/// </summary>
[MemoryDiagnoser]
public class TranspileBenchmarks
{
    private Circuit _qft = null!;
    private IsaTarget _fez = null!;

    [Params(20)]
    public int Qubits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _qft = OpenQasmParser.Parse(Qft(Qubits));
        _fez = Devices.IbmFez();
    }

    [Benchmark(Baseline = true)]
    public TranspileResult SinglePass() => IsaTranspiler.Transpile(_qft, _fez, new TranspileOptions { LayoutRefinementPasses = 0 });

    [Benchmark]
    public TranspileResult Default() => IsaTranspiler.Transpile(_qft, _fez);

    /// <summary>The textbook QFT in OpenQASM 2.</summary>
    public static string Qft(int n)
    {
        var sb = new StringBuilder($"OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[{n}];\ncreg c[{n}];\n");
        for (int i = 0; i < n; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"h q[{i}];\n");
            for (int j = i + 1; j < n; j++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"cp({Math.PI / (1 << (j - i))}) q[{j}],q[{i}];\n");
            }
        }

        for (int i = 0; i < n / 2; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"swap q[{i}],q[{n - 1 - i}];\n");
        }

        return sb.Append("measure q -> c;\n").ToString();
    }
}
