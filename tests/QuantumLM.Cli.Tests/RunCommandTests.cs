using System.Text.Json.Nodes;

namespace QuantumLM.Cli.Tests;

public sealed class RunCommandTests : CliTestBase
{
    [Fact]
    public async Task Run_PrintsTheContractJson_WithQiskitKeys()
    {
        string path = Write("two-registers.qasm", "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg a[1];\ncreg b[2];\nx q[0];\nx q[2];\nmeasure q[0] -> a[0];\nmeasure q[1] -> b[0];\nmeasure q[2] -> b[1];\n");
        var (code, output, err) = await RunAsync("run", path, "--shots", "64", "--seed", "9");
        Assert.Equal(0, code);
        Assert.Empty(err);
        JsonObject json = JsonNode.Parse(output)!.AsObject();
        Assert.Equal("local", (string?)json["backend"]);
        Assert.Equal(64, (int)json["shots"]!);
        Assert.Equal(9UL, (ulong)json["seed"]!);
        Assert.Equal(3, (int)json["num_qubits"]!);
        Assert.Equal(3, (int)json["num_clbits"]!);
        var counts = json["counts"]!.AsObject();
        Assert.Single(counts);
        Assert.Equal(64, (int)counts["10 1"]!); // b = "10" (last register, leftmost), a = "1"
    }

    [Fact]
    public async Task Run_SameSeed_SameOutput_AndSeedIsReportedWhenOmitted()
    {
        string path = Write("bell.qasm", "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nbit[2] c;\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n");
        var first = await RunAsync("run", path, "--shots", "500", "--seed", "123");
        var second = await RunAsync("run", path, "--shots", "500", "--seed", "123");
        Assert.Equal(0, first.Code);
        Assert.Equal(first.Out, second.Out);
        var counts = JsonNode.Parse(first.Out)!["counts"]!.AsObject();
        Assert.Equal(500, (int)counts["00"]! + (int)counts["11"]!);

        var unseeded = await RunAsync("run", path);
        Assert.Equal(0, unseeded.Code);
        var json = JsonNode.Parse(unseeded.Out)!;
        Assert.Equal(1024, (int)json["shots"]!);
        Assert.NotNull(json["seed"]);
    }

    [Fact]
    public async Task Run_WithMetrics_ComparesAgainstTheNoiselessIdeal()
    {
        string path = Write("ghz3.qasm", "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\nmeasure q -> c;\n");
        var (code, output, err) = await RunAsync("run", path, "--shots", "1000", "--seed", "7", "--metrics");
        Assert.True(code == 0, err);
        JsonNode json = JsonNode.Parse(output)!;
        long zeros = (long)json["counts"]!["000"]!;
        long ones = (long)json["counts"]!["111"]!;
        Assert.Equal(1000, zeros + ones);
        JsonNode m = json["metrics"]!;
        Assert.Equal("statevector", (string)m["ideal_source"]!);
        // Ideal {000: ½, 111: ½}; the surplus |p̂(000) − ½| moves three bit flips: W₂² = 9·|p̂(000) − ½|.
        Assert.Equal(Math.Sqrt(9 * Math.Abs(zeros / 1000.0 - 0.5)), (double)m["w2"]!, 9);
        double p = ones / 1000.0;
        double h = -(p * Math.Log2(p) + (1 - p) * Math.Log2(1 - p));
        Assert.Equal(h, (double)m["phi"]!, 9); // TC = 3H(p) − H(p), Φ = TC / 2 = H(p)
        Assert.Equal(Math.Pow(Math.Sqrt(0.5 * zeros / 1000.0) + Math.Sqrt(0.5 * p), 2), (double)m["lambda"]!, 9);
    }

    [Fact]
    public async Task Run_InvalidQasm_IsExit2_WithLineAndColumn()
    {
        string path = Write("bad.qasm", "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncx q[0] q[1];\n");
        var (code, output, err) = await RunAsync("run", path);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Equal("error: qasm: 4:9 expected ',' or ';' after the qubit arguments of 'cx', found 'q'" + Environment.NewLine, err);
    }

    [Fact]
    public async Task Run_HostileInput_IsExit2()
    {
        string path = Write("deep.qasm", "OPENQASM 2.0; include \"qelib1.inc\"; qreg q[1]; rz(" + new string('(', 5000) + "1" + new string(')', 5000) + ") q[0];");
        var (code, _, err) = await RunAsync("run", path);
        Assert.Equal(2, code);
        Assert.StartsWith("error: qasm: 1:", err, StringComparison.Ordinal);
        Assert.Contains("nesting deeper than the limit", err, StringComparison.Ordinal);

        string binary = Path.Combine(Dir, "binary.qasm");
        await File.WriteAllBytesAsync(binary, [0, 1, 2, 255, 254, 10, 13]);
        var b = await RunAsync("run", binary);
        Assert.Equal(2, b.Code);
        Assert.StartsWith("error: qasm: 1:1 unexpected character", b.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--shots", "0", "error: usage: --shots must be between 1 and 10000000, got 0")]
    [InlineData("--backend", "ibm_fez", "error: backend_not_found: backend 'ibm_fez' is not available: only 'local' runs without IBM Quantum Runtime (set QuantumLM__Ibm__ApiKey and QuantumLM__Ibm__ServiceCrn)")]
    public async Task Run_BadOptions_AreExit2(string option, string value, string message)
    {
        string path = Write("ok.qasm", "OPENQASM 2.0; include \"qelib1.inc\"; qreg q[1]; creg c[1]; measure q -> c;");
        var (code, output, err) = await RunAsync("run", path, option, value);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Equal(message + Environment.NewLine, err);
    }

    [Fact]
    public async Task Run_MissingFile_And_TooManyQubits()
    {
        var missing = await RunAsync("run", Path.Combine(Dir, "none.qasm"));
        Assert.Equal(2, missing.Code);
        Assert.StartsWith("error: file: ", missing.Err, StringComparison.Ordinal);

        string path = Write("big.qasm", "OPENQASM 2.0; include \"qelib1.inc\"; qreg q[40]; creg c[1]; measure q[0] -> c[0];");
        var (code, _, err) = await RunAsync("run", path);
        Assert.Equal(2, code);
        Assert.StartsWith("error: circuit_too_large: a 40-qubit statevector needs 17,592,186,044,416 bytes", err, StringComparison.Ordinal);
    }
}
