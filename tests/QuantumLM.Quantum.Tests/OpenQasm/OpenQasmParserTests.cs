using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Circuits;
using QuantumLM.Quantum.OpenQasm;

namespace QuantumLM.Quantum.Tests.OpenQasm;

public sealed class OpenQasmParserTests
{
    // Qiskit qasm2.dumps shape (design/simulator.md §2.1): no space after commas, no trailing newline.
    private const string QiskitQasm2 = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\np(0.3) q[0];\nu(0.3,0.2,0.1) q[1];\nrz(pi/2) q[0];\nbarrier q[0],q[1];\nif (c == 1) x q[1];\nmeasure q[0] -> c[0];\nmeasure q[1] -> c[1];";

    // Qiskit qasm3.dumps shape (§2.2): gate definitions first, bit before qubit, ", " separators, trailing newline.
    private const string QiskitQasm3 = """
        OPENQASM 3.0;
        include "stdgates.inc";
        gate rzx(p0) _gate_q_0, _gate_q_1 {
          h _gate_q_1;
          cx _gate_q_0, _gate_q_1;
          rz(p0) _gate_q_1;
          cx _gate_q_0, _gate_q_1;
          h _gate_q_1;
        }
        gate sxdg _gate_q_0 { s _gate_q_0; h _gate_q_0; s _gate_q_0; }
        bit[2] c;
        qubit[2] q;
        h q[0];
        cx q[0], q[1];
        U(2*pi, 3*pi, -5*pi) q[0];
        rzx(pi/4) q[0], q[1];
        sxdg q[1];
        barrier q[0], q[1];
        c[0] = measure q[0];
        c[1] = measure q[1];

        """;

    private static QuantumLmException Fails(string source, OpenQasmParserOptions? options = null)
    {
        var ex = Assert.Throws<QuantumLmException>(() => OpenQasmParser.Parse(source, options ?? OpenQasmParserOptions.Default));
        Assert.Equal(QuantumLmErrorCodes.InvalidCircuit, ex.ErrorCode);
        return ex;
    }

    [Fact]
    public void QiskitQasm2Export_Parses()
    {
        Circuit c = OpenQasmParser.Parse(QiskitQasm2, out CircuitLanguage lang, OpenQasmParserOptions.Default);
        Assert.Equal(CircuitLanguage.OpenQasm2, lang);
        Assert.Equal(2, c.QubitCount);
        Assert.Equal(2, c.ClbitCount);
        Assert.Equal(9, c.Operations.Length);
        var rz = Assert.IsType<GateOperation>(c.Operations[4]);
        Assert.Equal("rz", rz.Name);
        Assert.Equal(Math.PI / 2, rz.Parameters[0], 15);
        var cond = Assert.IsType<ConditionalOperation>(c.Operations[6]);
        Assert.Equal([0, 1], cond.Condition.Clbits.ToArray());
        Assert.Equal(1UL, cond.Condition.Value);
        Assert.Equal("x", Assert.IsType<GateOperation>(Assert.Single(cond.Then)).Name);
        Assert.Equal(new MeasureOperation(1, 1), c.Operations[8]);
    }

    [Fact]
    public void QiskitQasm3Export_Parses_AndExpandsDefinitions()
    {
        Circuit c = OpenQasmParser.Parse(QiskitQasm3, out CircuitLanguage lang, OpenQasmParserOptions.Default);
        Assert.Equal(CircuitLanguage.OpenQasm3, lang);
        Assert.Equal(2, c.QubitCount);
        string[] names = [.. c.Operations.OfType<GateOperation>().Select(g => g.Name)];
        Assert.Equal(["h", "cx", "u", "h", "cx", "rz", "cx", "h", "s", "h", "s"], names);
        var rz = c.Operations.OfType<GateOperation>().Single(g => g.Name == "rz");
        Assert.Equal(Math.PI / 4, rz.Parameters[0], 15);
        Assert.Equal([1], rz.Qubits.ToArray());
        Assert.Equal(2, c.Operations.OfType<MeasureOperation>().Count());
    }

    [Fact]
    public void Broadcast_OverRegisters()
    {
        Circuit c = OpenQasmParser.Parse("OPENQASM 2.0; include \"qelib1.inc\"; qreg a[3]; qreg b[3]; creg c[3]; h a; cx a, b; cx a[0], b; measure b -> c;");
        var gates = c.Operations.OfType<GateOperation>().ToList();
        Assert.Equal(9, gates.Count);
        Assert.Equal([1, 4], gates[4].Qubits.ToArray());
        Assert.Equal([0, 5], gates[8].Qubits.ToArray());
        Assert.Equal(new MeasureOperation(5, 2), c.Operations[^1]);
    }

    [Fact]
    public void Expressions_FollowPrecedenceAndFunctions()
    {
        Circuit c = OpenQasmParser.Parse("OPENQASM 2.0; include \"qelib1.inc\"; qreg q[1]; rz(-pi/4 + 2*3^2 - sqrt(4)/ln(exp(1)) + cos(0) - -1) q[0];");
        double v = Assert.IsType<GateOperation>(c.Operations[0]).Parameters[0];
        Assert.Equal((-Math.PI / 4) + 18 - 2 + 1 + 1, v, 12);
    }

    [Fact]
    public void UserGates_WithParameters_AreInlined()
    {
        Circuit c = OpenQasmParser.Parse("OPENQASM 2.0; include \"qelib1.inc\"; qreg q[3]; gate g(a,b) x,y { rz(a*2) x; cx x,y; ry(b-a) y; } gate h2(t) p, r { g(t, 1.5) r, p; } h2(0.25) q[2], q[0];");
        var gates = c.Operations.Cast<GateOperation>().ToList();
        Assert.Equal(["rz", "cx", "ry"], gates.Select(g => g.Name));
        Assert.Equal(0.5, gates[0].Parameters[0], 15);
        Assert.Equal([0], gates[0].Qubits.ToArray());
        Assert.Equal([0, 2], gates[1].Qubits.ToArray());
        Assert.Equal(1.25, gates[2].Parameters[0], 15);
        Assert.Equal([2], gates[2].Qubits.ToArray());
    }

    [Fact]
    public void UserGates_MayRedefineLibraryGates()
    {
        Circuit c = OpenQasmParser.Parse("OPENQASM 2.0; include \"qelib1.inc\"; qreg q[2]; gate rzz(t) a,b { cx a,b; u1(t) b; cx a,b; } rzz(0.5) q[0],q[1];");
        Assert.Equal(["cx", "u1", "cx"], c.Operations.Cast<GateOperation>().Select(g => g.Name));
    }

    [Fact]
    public void PhysicalQubits_DefineTheQubitCount()
    {
        Circuit c = OpenQasmParser.Parse("OPENQASM 3.0; include \"stdgates.inc\"; bit[2] c; rz(pi/2) $3; sx $3; cz $3, $0; delay[100ns] $0; c[0] = measure $3; c[1] = measure $0;");
        Assert.True(c.UsesPhysicalQubits);
        Assert.Equal(4, c.QubitCount);
        Assert.Contains(c.Operations, o => o is DelayOperation { Duration: 100, Unit: "ns" });
    }

    [Fact]
    public void Qasm3_IfElse_Reset_Gphase()
    {
        Circuit c = OpenQasmParser.Parse("OPENQASM 3; include \"stdgates.inc\"; qubit[2] q; bit[2] c; bit d; reset q; h q[0]; c[0] = measure q[0]; if (c[0]) { x q[1]; } else { z q[1]; } if (c == 1) x q[0]; if (!d) h q[0]; gphase(pi); d = measure q[1];");
        var conds = c.Operations.OfType<ConditionalOperation>().ToList();
        Assert.Equal(3, conds.Count);
        Assert.Single(conds[0].Else);
        Assert.Equal(0UL, conds[2].Condition.Value);
        Assert.Equal(Math.PI, c.GlobalPhase, 15);
        Assert.Equal(3, c.ClbitCount);
    }

    [Fact]
    public void MissingHeader_IsOpenQasm2_AndEmptyStatementsAreFine()
    {
        Circuit c = OpenQasmParser.Parse("include \"qelib1.inc\";;; qreg q[1]; creg c[1]; x q[0];; measure q[0]->c[0];", out CircuitLanguage lang, OpenQasmParserOptions.Default);
        Assert.Equal(CircuitLanguage.OpenQasm2, lang);
        Assert.Equal(2, c.Operations.Length);
    }

    [Fact]
    public void Factory_DescribesTheCircuit()
    {
        QuantumCircuit qc = QasmCircuitFactory.Create(QiskitQasm3.Replace("bit[2] c;", "bit[2] c; bit[3] meas;", StringComparison.Ordinal), "demo");
        Assert.Equal(CircuitLanguage.OpenQasm3, qc.Language);
        Assert.Equal(2, qc.QubitCount);
        Assert.Equal([new ClassicalRegister("c", 2), new ClassicalRegister("meas", 3)], qc.ClassicalRegisters);
        Assert.Equal(5, qc.ClbitCount);
        Assert.Equal("demo", qc.Name);
    }

    [Theory]
    [InlineData("OPENQASM 2.0;\nqreg q[2]\nh q[0];", "3:1 expected ';' after the register declaration, found 'h'")]
    [InlineData("OPENQASM 2.0;\nqreg q[2];\nh q[0];", "3:1 gate 'h' is not defined (did you forget include \"qelib1.inc\" or \"stdgates.inc\"?)")]
    [InlineData("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nfoo q[0];", "4:1 gate 'foo' is not defined")]
    [InlineData("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nh q[2];", "4:5 index 2 is out of range for register 'q' of size 2")]
    [InlineData("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncx q[0],q[0];", "4:9 qubit q[0] is used twice in 'cx'")]
    [InlineData("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nqreg r[3];\ncx q,r;", "5:6 register sizes differ in broadcast of 'cx' (2 and 3)")]
    [InlineData("OPENQASM 2.0;\nopaque mygate a;", "2:1 opaque gate 'mygate' has no definition and cannot be simulated; define it with 'gate'")]
    [InlineData("OPENQASM 2.0;\ninclude \"other.inc\";", "2:9 cannot include \"other.inc\": only the built-in qelib1.inc and stdgates.inc are available")]
    [InlineData("OPENQASM 4.0;", "1:10 unsupported OpenQASM version '4.0' (expected 2.0 or 3)")]
    [InlineData("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\nrx(1.0 q[0];", "4:8 expected ')' after the gate arguments, found 'q'")]
    [InlineData("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\nrx(theta) q[0];", "4:4 unknown identifier 'theta' in expression")]
    [InlineData("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\nrx q[0];", "4:1 gate 'rx' takes 1 parameter, got 0")]
    [InlineData("OPENQASM 2.0;\nqreg q[1];\n/* never closed", "3:1 unterminated block comment (expected '*/')")]
    [InlineData("OPENQASM 2.0;\nqreg q[1];\n#", "3:1 unexpected character '#'")]
    [InlineData("OPENQASM 2.0;\ngate g a { x a; ", "2:12 gate 'x' is not defined (did you forget include \"qelib1.inc\" or \"stdgates.inc\"?)")]
    [InlineData("OPENQASM 2.0;\ngate g a { U(0,0,0) a; ", "2:24 expected '}' to close gate 'g' opened at 2:1, found end of input")]
    [InlineData("OPENQASM 3.0;\nqubit[2] q;\nfor uint i in [0:1] { }", "3:1 'for' statements are not supported (supported: declarations, gate definitions, gates, measure, reset, barrier, delay, if)")]
    [InlineData("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nctrl @ x q[0], q[1];", "4:1 gate modifier 'ctrl @' is not supported")]
    [InlineData("OPENQASM 2.0;\nqreg q[2];\ncreg c[1];\nmeasure q -> c;", "4:1 measure needs matching sizes: 2 qubits into 1 bit")]
    [InlineData("OPENQASM 2.0;\nqreg q[0];", "2:6 register 'q' has size 0; expected a size of at least 1")]
    [InlineData("OPENQASM 2.0;\nqreg q[1];\nqreg q[2];", "3:6 'q' is already declared")]
    [InlineData("OPENQASM 3.0;\nqubit[2] q;\nU(0,0,0) $1;", "3:10 cannot use physical qubits ($k) in a program that declares qubit registers")]
    public void Errors_NameLineColumnAndWhatWasExpected(string source, string message)
    {
        Assert.Equal(message, Fails(source).Message);
    }

    [Fact]
    public void Limits_SourceSize()
    {
        string big = new(' ', 2000);
        Assert.Equal("1:1 source of 2000 characters exceeds the limit of 1000", Fails(big, new OpenQasmParserOptions { MaxSourceLength = 1000 }).Message);
    }

    [Fact]
    public void Limits_RegisterSize()
    {
        Assert.Equal("1:8 register size 99999999999 exceeds the limit of 65536", Fails("qreg q[99999999999];").Message);
        Assert.Equal("1:18 40 qubits in total exceed the limit of 32", Fails("qreg a[30]; qreg bb[10];", new OpenQasmParserOptions { MaxRegisterSize = 32 }).Message);
    }

    [Fact]
    public void Limits_NestingDepth()
    {
        string deep = "OPENQASM 2.0; include \"qelib1.inc\"; qreg q[1]; rz(" + new string('(', 10_000) + "1" + new string(')', 10_000) + ") q[0];";
        Assert.Contains("nesting deeper than the limit of 64", Fails(deep).Message, StringComparison.Ordinal);
        string minus = "OPENQASM 2.0; include \"qelib1.inc\"; qreg q[1]; rz(" + new string('-', 100_000) + "1) q[0];";
        Assert.Contains("nesting deeper than the limit of 64", Fails(minus).Message, StringComparison.Ordinal);
        string ifs = "OPENQASM 3.0; include \"stdgates.inc\"; qubit q; bit c; " + string.Concat(Enumerable.Repeat("if (c) { ", 200)) + "x q;" + new string('}', 200);
        Assert.Contains("nesting deeper than the limit of 64", Fails(ifs).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_GateExpansionBomb()
    {
        var sb = new System.Text.StringBuilder("OPENQASM 2.0; include \"qelib1.inc\"; qreg q[1]; gate g0 a { x a; x a; x a; x a; x a; x a; x a; x a; x a; x a; }");
        for (int i = 1; i < 12; i++)
        {
            sb.Append($" gate g{i} a {{ g{i - 1} a; g{i - 1} a; g{i - 1} a; g{i - 1} a; g{i - 1} a; g{i - 1} a; g{i - 1} a; g{i - 1} a; g{i - 1} a; g{i - 1} a; }}");
        }

        sb.Append(" g11 q[0];");
        string message = Fails(sb.ToString()).Message;
        Assert.EndsWith("the program expands to more than 4000000 operations (the limit)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_GateDepth()
    {
        var sb = new System.Text.StringBuilder("OPENQASM 2.0; qreg q[1]; gate g0 a { U(0,0,0) a; }");
        for (int i = 1; i < 80; i++)
        {
            sb.Append($" gate g{i} a {{ g{i - 1} a; }}");
        }

        sb.Append(" g79 q[0];");
        Assert.EndsWith("gate definitions nest deeper than the limit of 64", Fails(sb.ToString()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gates_CannotCallThemselves()
    {
        Assert.Equal("1:37 gate 'g' is not defined", Fails("OPENQASM 2.0; qreg q[1]; gate g a { g a; }").Message);
    }

    [Property(MaxTest = 500)]
    public bool Garbage_NeverCrashes(string? text)
    {
        return ParsesOrFailsCleanly(text ?? string.Empty);
    }

    [Property(MaxTest = 300)]
    public bool TokenSoup_NeverCrashes(NonEmptyArray<byte> picks)
    {
        string[] vocabulary = ["OPENQASM", "2.0", "3", ";", "include", "\"qelib1.inc\"", "qreg", "creg", "qubit", "bit", "q", "c", "[", "]", "(", ")", "{", "}", "2", "0", ",", "->", "=", "==", "measure", "reset", "barrier", "if", "else", "gate", "g", "a", "h", "cx", "rz", "pi", "-", "*", "/", "^", "$1", "U", "gphase", "delay", "ns", "opaque", "\n", "1e400", "sin"];
        string text = string.Join(' ', picks.Get.Select(b => vocabulary[b % vocabulary.Length]));
        return ParsesOrFailsCleanly(text);
    }

    [Fact]
    public void Truncations_OfValidPrograms_ParseOrFailCleanly()
    {
        foreach (string program in new[] { QiskitQasm2, QiskitQasm3 })
        {
            for (int i = 0; i <= program.Length; i++)
            {
                Assert.True(ParsesOrFailsCleanly(program[..i]), $"prefix {i}");
            }
        }
    }

    private static bool ParsesOrFailsCleanly(string text)
    {
        try
        {
            OpenQasmParser.Parse(text);
            return true;
        }
        catch (QuantumLmException ex) when (ex.ErrorCode == QuantumLmErrorCodes.InvalidCircuit)
        {
            return System.Text.RegularExpressions.Regex.IsMatch(ex.Message, @"^\d+:\d+ \S");
        }
    }
}
