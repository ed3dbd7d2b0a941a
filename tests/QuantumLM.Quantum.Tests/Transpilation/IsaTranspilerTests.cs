using System.Globalization;
using FsCheck;
using FsCheck.Xunit;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Circuits;
using QuantumLM.Quantum.OpenQasm;
using QuantumLM.Quantum.Simulation;
using QuantumLM.Quantum.Tests.Simulation;
using QuantumLM.Quantum.Transpilation;

namespace QuantumLM.Quantum.Tests.Transpilation;

public sealed class IsaTranspilerTests
{
    private const string Header = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";
    private static readonly StatevectorSimulator s_sim = new();

    private static double MaxDifference(ProbabilityDistribution a, ProbabilityDistribution b) =>
        a.Keys.Union(b.Keys).Max(k => Math.Abs(a[k] - b[k]));

    /// <summary>The ISA invariants: only rz/sx/x/cz (+ non-gates), every CZ on a coupled pair.</summary>
    private static void AssertIsIsa(TranspileResult r, IsaTarget target)
    {
        foreach (CircuitOperation op in Flatten(r.Circuit.Operations))
        {
            if (op is GateOperation g)
            {
                Assert.Contains(g.Name, new[] { "rz", "sx", "x", "cz" });
                if (g.Name == "cz")
                {
                    Assert.True(target.AreCoupled(g.Qubits[0], g.Qubits[1]), $"cz on uncoupled pair {g.Qubits[0]},{g.Qubits[1]}");
                }
            }
        }
    }

    private static IEnumerable<CircuitOperation> Flatten(IEnumerable<CircuitOperation> ops) =>
        ops.SelectMany(o => o is ConditionalOperation c ? Flatten(c.Then.Concat(c.Else)) : [o]);

    private static bool Equivalent(Circuit original, IsaTarget target, int seed = 0, bool optimize = true)
    {
        TranspileResult r = IsaTranspiler.Transpile(original, target, new TranspileOptions { Seed = seed, Optimize = optimize });
        AssertIsIsa(r, target);
        return MaxDifference(s_sim.GetIdealDistribution(original), s_sim.GetIdealDistribution(r.ToCompactCircuit())) < 1e-9;
    }

    [Fact]
    public void FezCouplingMap_MatchesTheBackendConfiguration()
    {
        IsaTarget fez = Devices.IbmFez();
        Assert.Equal(176, fez.Edges.Length);
        foreach ((int a, int b, bool coupled) in Devices.IbmFezSpotChecks)
        {
            Assert.Equal(coupled, fez.AreCoupled(a, b));
        }
    }

    [Property(MaxTest = 60)]
    public bool RandomCircuits_KeepTheirDistribution_OnHeavyHex(PositiveInt qubits, PositiveInt gates, ulong seed)
    {
        int n = 2 + (qubits.Get % 7); // 2..8
        Circuit c = OpenQasmParser.Parse(Reference.RandomQasm(n, 1 + (gates.Get % 30), seed));
        return Equivalent(c, Devices.SmallHeavyHex(), seed: (int)(seed % 1000));
    }

    [Property(MaxTest = 40)]
    public bool RandomCircuits_KeepTheirDistribution_OnIbmFez(PositiveInt qubits, PositiveInt gates, ulong seed)
    {
        int n = 2 + (qubits.Get % 7);
        Circuit c = OpenQasmParser.Parse(Reference.RandomQasm(n, 1 + (gates.Get % 30), seed));
        return Equivalent(c, Devices.IbmFez());
    }

    [Property(MaxTest = 40)]
    public bool RandomCircuits_KeepTheirDistribution_WithoutOptimisation_OnALine(PositiveInt qubits, PositiveInt gates, ulong seed)
    {
        int n = 2 + (qubits.Get % 6);
        Circuit c = OpenQasmParser.Parse(Reference.RandomQasm(n, 1 + (gates.Get % 25), seed));
        return Equivalent(c, Devices.Line(n + 1), optimize: false);
    }

    [Theory]
    [InlineData("cx q[0],q[1];")]
    [InlineData("cy q[1],q[0];")]
    [InlineData("cz q[0],q[2];")]
    [InlineData("ch q[2],q[0];")]
    [InlineData("crx(0.7) q[0],q[1];")]
    [InlineData("cry(-1.3) q[1],q[2];")]
    [InlineData("crz(2.2) q[2],q[1];")]
    [InlineData("cu1(0.4) q[0],q[2];")]
    [InlineData("cu3(0.3,1.1,-0.6) q[1],q[0];")]
    [InlineData("swap q[0],q[2];")]
    [InlineData("rzz(0.9) q[0],q[1];")]
    [InlineData("rxx(1.9) q[1],q[2];")]
    [InlineData("ccx q[0],q[1],q[2];")]
    [InlineData("cswap q[2],q[0],q[1];")]
    [InlineData("rccx q[1],q[2],q[0];")]
    [InlineData("csx q[0],q[1];")]
    [InlineData("c3x q[0],q[1],q[2],q[3];")]
    [InlineData("c3sqrtx q[3],q[1],q[2],q[0];")]
    [InlineData("rc3x q[0],q[1],q[2],q[3];")]
    [InlineData("c4x q[0],q[1],q[2],q[3],q[4];")]
    public void EveryMultiQubitGate_IsLoweredExactly(string gate)
    {
        // A random-looking single-qubit layer first, so that the gate acts on a generic state, not on |0…0⟩.
        const int n = 5;
        var prep = string.Concat(Enumerable.Range(0, n).Select(q => string.Create(CultureInfo.InvariantCulture, $"u3({0.3 + q},{0.7 * q},{1.1 - q}) q[{q}];\n")));
        Circuit c = OpenQasmParser.Parse(Header + $"qreg q[{n}];\ncreg c[{n}];\n" + prep + gate + "\nmeasure q -> c;\n");
        Assert.True(Equivalent(c, Devices.AllToAll(n), optimize: false), gate);
        Assert.True(Equivalent(c, Devices.Line(n)), gate);
    }

    [Fact]
    public void Ghz_OnIbmFez_NeedsNoSwaps()
    {
        const int n = 12;
        string body = "h q[0];\n" + string.Concat(Enumerable.Range(0, n - 1).Select(i => $"cx q[{i}],q[{i + 1}];\n"));
        Circuit c = OpenQasmParser.Parse(Header + $"qreg q[{n}];\ncreg c[{n}];\n" + body + "measure q -> c;\n");
        TranspileResult r = IsaTranspiler.Transpile(c, Devices.IbmFez());
        Assert.Equal(0, r.SwapCount);
        Assert.Equal(n - 1, r.TwoQubitGateCount);
        ProbabilityDistribution d = s_sim.GetIdealDistribution(r.ToCompactCircuit());
        Assert.Equal(0.5, d[new string('0', n)], 12);
        Assert.Equal(0.5, d[new string('1', n)], 12);
    }

    [Fact]
    public void InteractionsThatDoNotFit_GetSwaps_AndStayCorrect()
    {
        // A star on a line: qubit 0 talks to everyone, which no line layout satisfies without SWAPs.
        const int n = 5;
        string body = "h q[0];\n" + string.Concat(Enumerable.Range(1, n - 1).Select(i => $"cx q[0],q[{i}];\nrz({i}) q[{i}];\n")) + "cx q[4],q[1];\n";
        Circuit c = OpenQasmParser.Parse(Header + $"qreg q[{n}];\ncreg c[{n}];\nx q[2];\n" + body + "measure q -> c;\n");
        TranspileResult r = IsaTranspiler.Transpile(c, Devices.Line(n));
        Assert.True(r.SwapCount > 0);
        Assert.True(Equivalent(c, Devices.Line(n)));
        Assert.NotEqual(r.InitialLayout, r.FinalLayout);
    }

    [Fact]
    public void Peephole_CancelsInversePairs_AndDropsIdentities()
    {
        Circuit c = OpenQasmParser.Parse(Header + "qreg q[2];\ncreg c[2];\nh q[0];\nh q[0];\ncx q[0],q[1];\ncx q[0],q[1];\nrz(0.5) q[1];\nrz(-0.5) q[1];\nx q[1];\nmeasure q -> c;\n");
        TranspileResult r = IsaTranspiler.Transpile(c, Devices.Line(2));
        GateOperation[] gates = [.. r.Circuit.Operations.OfType<GateOperation>()];
        Assert.Single(gates);
        Assert.Equal("x", gates[0].Name);
    }

    [Fact]
    public void RzRuns_MergeIntoOne()
    {
        Circuit c = OpenQasmParser.Parse(Header + "qreg q[1];\ncreg c[1];\nh q[0];\nrz(0.25) q[0];\nt q[0];\ns q[0];\nrz(0.5) q[0];\nh q[0];\nmeasure q -> c;\n");
        TranspileResult r = IsaTranspiler.Transpile(c, Devices.Line(1 + 1));
        Assert.True(r.Circuit.Operations.OfType<GateOperation>().Count() <= 5);
        Assert.True(Equivalent(c, Devices.Line(2)));
    }

    [Fact]
    public void MidCircuitMeasurement_ResetAndConditionals_AreKept()
    {
        Circuit c = OpenQasmParser.Parse(
            "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[3] q;\nbit[3] c;\nh q[0];\nc[0] = measure q[0];\nif (c[0]) { x q[2]; } else { h q[1]; }\n" +
            "reset q[0];\ncx q[2], q[0];\nc[1] = measure q[1];\nc[2] = measure q[0];\n");
        Assert.True(Equivalent(c, Devices.Line(3)));
        Assert.True(Equivalent(c, Devices.IbmFez()));
    }

    [Fact]
    public void Qasm3Output_ParsesBack_ToTheSameDistribution()
    {
        Circuit c = OpenQasmParser.Parse(Reference.RandomQasm(5, 40, 1234));
        TranspileResult r = IsaTranspiler.Transpile(c, Devices.Line(6));
        string qasm = r.ToOpenQasm3();
        Assert.StartsWith("OPENQASM 3.0;", qasm, StringComparison.Ordinal);
        Assert.Contains("$", qasm, StringComparison.Ordinal);
        Circuit back = OpenQasmParser.Parse(qasm);
        Assert.True(back.UsesPhysicalQubits);
        Assert.True(MaxDifference(s_sim.GetIdealDistribution(c), s_sim.GetIdealDistribution(back)) < 1e-9);
    }

    [Fact]
    public void SameSeed_SameOutput()
    {
        Circuit c = OpenQasmParser.Parse(Reference.RandomQasm(7, 60, 99));
        string a = IsaTranspiler.Transpile(c, Devices.SmallHeavyHex(), new TranspileOptions { Seed = 5 }).ToOpenQasm3();
        string b = IsaTranspiler.Transpile(c, Devices.SmallHeavyHex(), new TranspileOptions { Seed = 5 }).ToOpenQasm3();
        Assert.Equal(a, b);
    }

    [Fact]
    public void Layout_AvoidsBadQubits_WhenCalibrationIsGiven()
    {
        // Qubits 0..4 are bad; a 3-qubit circuit should land on 5..9 of a 10-qubit line.
        var errors = Enumerable.Range(0, 5).ToDictionary(static q => q, static _ => 0.5);
        var target = new IsaTarget("line_cal", 10, Enumerable.Range(0, 9).Select(static i => (i, i + 1)), Devices.HeronBasis, errors);
        Circuit c = OpenQasmParser.Parse(Header + "qreg q[3];\ncreg c[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\nmeasure q -> c;\n");
        TranspileResult r = IsaTranspiler.Transpile(c, target);
        Assert.All(r.InitialLayout, p => Assert.True(p >= 5, $"physical qubit {p} is one of the bad ones"));
    }

    [Fact]
    public void TooManyQubits_IsAClearError()
    {
        Circuit c = OpenQasmParser.Parse(Header + "qreg q[4];\ncreg c[4];\nmeasure q -> c;\n");
        var ex = Assert.Throws<QuantumLmException>(() => IsaTranspiler.Transpile(c, Devices.Line(3)));
        Assert.Equal(QuantumLmErrorCodes.InvalidCircuit, ex.ErrorCode);
        Assert.Contains("4 qubits but backend line_3 has 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DisconnectedDevice_WithoutABigEnoughComponent_IsAClearError()
    {
        var target = new IsaTarget("islands", 6, [(0, 1), (1, 2), (3, 4), (4, 5)], Devices.HeronBasis);
        Circuit c = OpenQasmParser.Parse(Header + "qreg q[4];\ncreg c[4];\ncx q[0],q[3];\nmeasure q -> c;\n");
        var ex = Assert.Throws<QuantumLmException>(() => IsaTranspiler.Transpile(c, target));
        Assert.Contains("no connected set", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingBasisGate_IsAClearError()
    {
        var target = new IsaTarget("eagle_like", 3, [(0, 1), (1, 2)], ["ecr", "rz", "sx", "x"]);
        Circuit c = OpenQasmParser.Parse(Header + "qreg q[2];\ncreg c[2];\nmeasure q -> c;\n");
        var ex = Assert.Throws<QuantumLmException>(() => IsaTranspiler.Transpile(c, target));
        Assert.Contains("lacks the basis gate cz", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoQubitGateInsideIf_IsAClearError()
    {
        Circuit c = OpenQasmParser.Parse("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\nc[0] = measure q[0];\nif (c[0]) { cx q[0], q[1]; }\nc = measure q;\n");
        var ex = Assert.Throws<QuantumLmException>(() => IsaTranspiler.Transpile(c, Devices.Line(2)));
        Assert.Equal(QuantumLmErrorCodes.InvalidCircuit, ex.ErrorCode);
        Assert.Contains("inside if/else", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Target_RejectsPairsOutsideTheDevice()
    {
        var ex = Assert.Throws<ArgumentException>(() => new IsaTarget("bad", 3, [(0, 3)], Devices.HeronBasis));
        Assert.Contains("(0, 3)", ex.Message, StringComparison.Ordinal);
    }
}
