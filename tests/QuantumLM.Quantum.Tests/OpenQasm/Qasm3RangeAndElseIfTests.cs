using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.OpenQasm;
using QuantumLM.Quantum.Simulation;

namespace QuantumLM.Quantum.Tests.OpenQasm;

public sealed class Qasm3RangeAndElseIfTests
{
    private const string Header = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[5] q;\nbit[5] c;\n";
    private static readonly StatevectorSimulator s_sim = new();

    private static ProbabilityDistribution Ideal(string body) => s_sim.GetIdealDistribution(OpenQasmParser.Parse(Header + body));

    private static void AssertSame(string a, string b)
    {
        ProbabilityDistribution x = Ideal(a), y = Ideal(b);
        Assert.All(x.Keys.Union(y.Keys), k => Assert.Equal(x[k], y[k], 12));
    }

    [Fact]
    public void Range_SelectsBothEndsInclusive_LikeTheExpandedProgram()
    {
        AssertSame(
            "h q[0:2];\ncx q[0], q[4];\nc[0:4] = measure q[0:4];\n",
            "h q[0];\nh q[1];\nh q[2];\ncx q[0], q[4];\nc[0] = measure q[0];\nc[1] = measure q[1];\nc[2] = measure q[2];\nc[3] = measure q[3];\nc[4] = measure q[4];\n");
    }

    [Fact]
    public void RangeWithStep_AndBroadcastAgainstARange()
    {
        AssertSame(
            "x q[0:2:4];\ncx q[0:1], q[3:4];\nc = measure q;\n",
            "x q[0];\nx q[2];\nx q[4];\ncx q[0], q[3];\ncx q[1], q[4];\nc = measure q;\n");
    }

    [Fact]
    public void SingleElementRange_IsStillARange()
    {
        AssertSame("h q[1:1];\nc = measure q;\n", "h q[1];\nc = measure q;\n");
    }

    [Fact]
    public void ElseIf_ChainsLikeNestedElseBlocks()
    {
        const string prep = "h q[0];\nh q[1];\nc[0] = measure q[0];\nc[1] = measure q[1];\n";
        AssertSame(
            prep + "if (c[0]) { x q[2]; } else if (c[1]) { x q[3]; } else { x q[4]; }\nc[2:4] = measure q[2:4];\n",
            prep + "if (c[0]) { x q[2]; } else { if (c[1]) { x q[3]; } else { x q[4]; } }\nc[2] = measure q[2];\nc[3] = measure q[3];\nc[4] = measure q[4];\n");
    }

    [Theory]
    [InlineData("h q[3:1];", "5:5 range 3:1 of register 'q' selects nothing")]
    [InlineData("h q[0:0:4];", "5:5 range 0:0:4 of register 'q' selects nothing")]
    [InlineData("h q[0:7];", "5:7 index 7 is out of range for register 'q' of size 5")]
    [InlineData("h q[0:];", "5:7 expected an integer index into 'q', found ']'")]
    [InlineData("h q[0:2;", "5:8 expected ']' after the range")]
    public void BadRanges_AreClearErrors(string line, string expected)
    {
        var ex = Assert.Throws<QuantumLmException>(() => OpenQasmParser.Parse(Header + line + "\n"));
        Assert.Equal(QuantumLmErrorCodes.InvalidCircuit, ex.ErrorCode);
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }
}
