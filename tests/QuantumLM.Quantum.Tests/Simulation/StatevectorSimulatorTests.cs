using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Circuits;
using QuantumLM.Quantum.OpenQasm;
using QuantumLM.Quantum.Simulation;

namespace QuantumLM.Quantum.Tests.Simulation;

public sealed class StatevectorSimulatorTests
{
    private const string Header = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

    private static StatevectorSimulator Sim(bool fusion = true, SimdLevel? simd = null, int threads = 1, int threshold = 14, int maxFused = 1) =>
        new(new LocalSimulatorOptions { EnableFusion = fusion, MaxFusedQubits = maxFused },
            new KernelSettings(simd ?? KernelSettings.DetectSimd(), threads, threshold));

    private static ProbabilityDistribution Ideal(string qasm) => Sim().GetIdealDistribution(OpenQasmParser.Parse(qasm));

    [Fact]
    public void Bell_IdealIsHalfHalf()
    {
        var d = Ideal(Header + "qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;");
        Assert.Equal(2, d.Count);
        Assert.Equal(0.5, d["00"], 12);
        Assert.Equal(0.5, d["11"], 12);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(12)]
    public void Ghz_IdealIsAllZerosOrAllOnes(int n)
    {
        string body = $"qreg q[{n}]; creg c[{n}]; h q[0];" + string.Concat(Enumerable.Range(1, n - 1).Select(i => $"cx q[{i - 1}],q[{i}];")) + "measure q -> c;";
        var d = Ideal(Header + body);
        Assert.Equal(2, d.Count);
        Assert.Equal(0.5, d[new string('0', n)], 12);
        Assert.Equal(0.5, d[new string('1', n)], 12);
    }

    [Theory]
    [InlineData("1011")]
    [InlineData("0000")]
    [InlineData("111111")]
    [InlineData("100101")]
    public void BernsteinVazirani_RecoversTheSecret(string secret)
    {
        int n = secret.Length;
        var sb = new System.Text.StringBuilder(Header + $"qreg q[{n + 1}]; creg c[{n}]; x q[{n}]; h q;");
        for (int i = 0; i < n; i++)
        {
            if (secret[n - 1 - i] == '1')
            {
                sb.Append($"cx q[{i}],q[{n}];");
            }
        }

        for (int i = 0; i < n; i++)
        {
            sb.Append($"h q[{i}]; measure q[{i}] -> c[{i}];");
        }

        var d = Ideal(sb.ToString());
        Assert.Single(d);
        Assert.Equal(1.0, d[secret], 12);
    }

    [Theory]
    [InlineData(3, 5)]
    [InlineData(4, 0)]
    [InlineData(4, 11)]
    [InlineData(5, 19)]
    public void Qft_OfBasisState_HasTheTextbookAmplitudes(int n, int x)
    {
        // QFT|x> = 1/sqrt(N) Σ_k e^{2πi x k / N} |k>, with the final swaps (Nielsen & Chuang, qubit n-1 most significant).
        var sb = new System.Text.StringBuilder(Header + $"qreg q[{n}];");
        for (int b = 0; b < n; b++)
        {
            if (((x >> b) & 1) == 1)
            {
                sb.Append($"x q[{b}];");
            }
        }

        for (int j = n - 1; j >= 0; j--)
        {
            sb.Append($"h q[{j}];");
            for (int k = j - 1; k >= 0; k--)
            {
                sb.Append(System.FormattableString.Invariant($"cp(pi/{1 << (j - k)}) q[{k}],q[{j}];"));
            }
        }

        for (int i = 0; i < n / 2; i++)
        {
            sb.Append($"swap q[{i}],q[{n - 1 - i}];");
        }

        Complex[] state = Sim().GetStatevector(OpenQasmParser.Parse(sb.ToString()));
        int dim = 1 << n;
        for (int k = 0; k < dim; k++)
        {
            Complex expected = Complex.FromPolarCoordinates(1 / Math.Sqrt(dim), 2 * Math.PI * x * k / dim);
            Assert.True((state[k] - expected).Magnitude < 1e-12, $"k={k}: {state[k]} vs {expected}");
        }
    }

    [Fact]
    public void Toffoli_TruthTable()
    {
        for (int input = 0; input < 8; input++)
        {
            string prep = string.Concat(Enumerable.Range(0, 3).Where(b => ((input >> b) & 1) == 1).Select(b => $"x q[{b}];"));
            var d = Ideal(Header + $"qreg q[3]; creg c[3]; {prep} ccx q[0],q[1],q[2]; measure q -> c;");
            int expected = (input & 3) == 3 ? input ^ 4 : input;
            Assert.Equal(1.0, d[Convert.ToString(expected, 2).PadLeft(3, '0')], 12);
        }
    }

    [Fact]
    public void Fredkin_TruthTable()
    {
        for (int input = 0; input < 8; input++)
        {
            string prep = string.Concat(Enumerable.Range(0, 3).Where(b => ((input >> b) & 1) == 1).Select(b => $"x q[{b}];"));
            var d = Ideal(Header + $"qreg q[3]; creg c[3]; {prep} cswap q[0],q[1],q[2]; measure q -> c;");
            int b1 = (input >> 1) & 1, b2 = (input >> 2) & 1;
            int expected = (input & 1) == 1 ? (input & 1) | (b2 << 1) | (b1 << 2) : input;
            Assert.Equal(1.0, d[Convert.ToString(expected, 2).PadLeft(3, '0')], 12);
        }
    }

    private static string Teleport(double theta) => Header + System.FormattableString.Invariant($"""
        qreg q[3]; creg c0[1]; creg c1[1]; creg c2[1];
        ry({theta}) q[0];
        h q[1]; cx q[1],q[2];
        cx q[0],q[1]; h q[0];
        measure q[0] -> c0[0]; measure q[1] -> c1[0];
        if (c1==1) x q[2];
        if (c0==1) z q[2];
        measure q[2] -> c2[0];
        """);

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.1)]
    [InlineData(2.5)]
    public void Teleportation_WithClassicalIf_TransfersTheState(double theta)
    {
        var d = Ideal(Teleport(theta));
        double p1 = Math.Pow(Math.Sin(theta / 2), 2);
        double one = d.Where(kv => kv.Key[0] == '1').Sum(kv => kv.Value);
        Assert.Equal(p1, one, 12);

        // each of the four (c1, c0) corrections has probability 1/4
        foreach (string low in new[] { "00", "01", "10", "11" })
        {
            Assert.Equal(0.25, d.Where(kv => kv.Key[1..] == low).Sum(kv => kv.Value), 12);
        }

        var r = Sim().Run(OpenQasmParser.Parse(Teleport(theta)), 4000, 7);
        Assert.Equal(SimulationMethod.BranchSampling, r.Method);
        Assert.InRange(r.RegisterCounts["c2"]["1"] / 4000.0, p1 - 0.04, p1 + 0.04);

        var trajectories = Sim();
        trajectories.MaxBranchesForSampling = 0;
        var t = trajectories.Run(OpenQasmParser.Parse(Teleport(theta)), 4000, 7);
        Assert.Equal(SimulationMethod.Trajectories, t.Method);
        Assert.InRange(t.RegisterCounts["c2"]["1"] / 4000.0, p1 - 0.04, p1 + 0.04);
    }

    [Fact]
    public void CountKeys_FollowQiskit_LastRegisterLeftmost()
    {
        var c = OpenQasmParser.Parse(Header + "qreg q[3]; creg a[1]; creg b[2]; x q[0]; x q[2]; measure q[0] -> a[0]; measure q[1] -> b[0]; measure q[2] -> b[1];");
        var r = Sim().Run(c, 10, 1);
        Assert.Equal(10, r.Counts["101"]);
        Assert.Equal(10, r.RegisterCounts["a"]["1"]);
        Assert.Equal(10, r.RegisterCounts["b"]["10"]);
        Assert.Equal(3, r.Counts.Width);
    }

    [Fact]
    public void UnmeasuredClbits_StayZero()
    {
        var d = Ideal(Header + "qreg q[2]; creg c[3]; x q[0]; measure q[0] -> c[2];");
        Assert.Equal(1.0, d["100"], 12);
    }

    [Fact]
    public void Reset_MidCircuit_ReturnsToZero()
    {
        var d = Ideal(Header + "qreg q[1]; creg c[2]; h q[0]; measure q[0] -> c[0]; reset q[0]; measure q[0] -> c[1];");
        Assert.Equal(0.5, d["00"], 12);
        Assert.Equal(0.5, d["01"], 12);
    }

    [Fact]
    public void TooManyQubits_IsRefusedWithTheMemoryNeeded()
    {
        var c = OpenQasmParser.Parse(Header + "qreg q[31]; creg c[1]; measure q[0] -> c[0];");
        var ex = Assert.Throws<QuantumLmException>(() => Sim().Run(c, 1, 0));
        Assert.Equal(QuantumLmErrorCodes.CircuitTooLarge, ex.ErrorCode);
        Assert.Contains("34,359,738,368 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("32 GiB", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoClassicalBits_IsRefused()
    {
        var ex = Assert.Throws<QuantumLmException>(() => Sim().Run(OpenQasmParser.Parse(Header + "qreg q[1]; h q[0];"), 1, 0));
        Assert.Equal(QuantumLmErrorCodes.InvalidCircuit, ex.ErrorCode);
    }

    // ------------------------------------------------------------------ reference and properties

    [Property(MaxTest = 40)]
    public bool RandomCircuits_MatchTheDenseReference(PositiveInt qubits, PositiveInt gates, ulong seed)
    {
        int n = 1 + (qubits.Get % 8);
        int g = 1 + (gates.Get % 40);
        Circuit c = OpenQasmParser.Parse(Reference.RandomQasm(n, g, seed));
        Complex[] expected = Reference.Run(c);
        return Reference.MaxDiff(Sim(fusion: false).GetStatevector(c), expected) < 1e-10
            && Reference.MaxDiff(Sim(fusion: true).GetStatevector(c), expected) < 1e-10;
    }

    [Property(MaxTest = 30)]
    public bool Fused_EqualsUnfused_ForEveryFusionWidth(ulong seed, PositiveInt width)
    {
        Circuit c = OpenQasmParser.Parse(Reference.RandomQasm(9, 60, seed));
        Complex[] unfused = Sim(fusion: false).GetStatevector(c);
        return Reference.MaxDiff(Sim(fusion: true, maxFused: 1 + (width.Get % 5)).GetStatevector(c), unfused) < 1e-10;
    }

    [Property(MaxTest = 30)]
    public bool Simd_EqualsScalar(ulong seed)
    {
        Circuit c = OpenQasmParser.Parse(Reference.RandomQasm(10, 50, seed));
        Complex[] scalar = Sim(simd: SimdLevel.Scalar).GetStatevector(c);
        return Reference.MaxDiff(Sim(simd: SimdLevel.Vector256).GetStatevector(c), scalar) < 1e-12
            && Reference.MaxDiff(Sim(simd: SimdLevel.Vector512).GetStatevector(c), scalar) < 1e-12;
    }

    [Property(MaxTest = 20)]
    public bool OneThread_EqualsManyThreads_BitForBit(ulong seed)
    {
        Circuit c = OpenQasmParser.Parse(Reference.RandomQasm(11, 40, seed));
        Complex[] one = Sim(threads: 1, threshold: 1).GetStatevector(c);
        Complex[] many = Sim(threads: 4, threshold: 1).GetStatevector(c);
        var d1 = Sim(threads: 1, threshold: 1).Run(c, 500, seed);
        var d4 = Sim(threads: 4, threshold: 1).Run(c, 500, seed);
        return one.SequenceEqual(many) && d1.Counts.Entries.SequenceEqual(d4.Counts.Entries);
    }

    [Theory]
    [InlineData(1UL, 1)]
    [InlineData(2UL, 2)]
    [InlineData(3UL, 3)]
    public void CacheBlocking_AndScheduling_MatchGateByGateApplication_At18Qubits(ulong seed, int maxFused)
    {
        // 18 qubits > CacheBlockQubits + 1, so runs of low gates are applied chunk by chunk and fused gates are reordered.
        Circuit c = OpenQasmParser.Parse(Reference.RandomQasm(18, 120, seed));
        Complex[] plain;
        using (var state = new StateVector(18))
        {
            var kernels = new Kernels(state, new KernelSettings(SimdLevel.Scalar, 1, 30));
            foreach (GateOperation g in c.Operations.OfType<GateOperation>())
            {
                SimGate.FromOperation(g).Apply(kernels);
            }

            plain = state.Amplitudes.ToArray();
        }

        Assert.True(Reference.MaxDiff(Sim(fusion: true, maxFused: maxFused).GetStatevector(c), plain) < 1e-10);
        Assert.True(Reference.MaxDiff(Sim(fusion: false).GetStatevector(c), plain) < 1e-10);
        Complex[] one = Sim(fusion: true, maxFused: maxFused, threads: 1, threshold: 1).GetStatevector(c);
        Complex[] many = Sim(fusion: true, maxFused: maxFused, threads: 3, threshold: 1).GetStatevector(c);
        Assert.True(one.AsSpan().SequenceEqual(many));
    }

    [Property(MaxTest = 30)]
    public bool Norm_IsPreserved(ulong seed)
    {
        Complex[] s = Sim().GetStatevector(OpenQasmParser.Parse(Reference.RandomQasm(8, 80, seed)));
        return Math.Abs(s.Sum(a => a.Magnitude * a.Magnitude) - 1) < 1e-12;
    }

    [Property(MaxTest = 30)]
    public bool HH_And_CxCx_AreIdentity(ulong seed, PositiveInt a, PositiveInt b)
    {
        const int n = 7;
        string prefix = Reference.RandomQasm(n, 30, seed).Replace("measure q -> c;\n", string.Empty, StringComparison.Ordinal);
        int qa = a.Get % n, qb = b.Get % n;
        if (qa == qb)
        {
            qb = (qb + 1) % n;
        }

        Complex[] before = Sim(fusion: false).GetStatevector(OpenQasmParser.Parse(prefix));
        Complex[] hh = Sim(fusion: false).GetStatevector(OpenQasmParser.Parse(prefix + $"h q[{qa}]; h q[{qa}];"));
        Complex[] cxcx = Sim(fusion: false).GetStatevector(OpenQasmParser.Parse(prefix + $"cx q[{qa}],q[{qb}]; cx q[{qa}],q[{qb}];"));
        return Reference.MaxDiff(before, hh) < 1e-12 && Reference.MaxDiff(before, cxcx) == 0;
    }

    [Fact]
    public void StandardGates_MatchTheHandWrittenMatrices()
    {
        var rng = new SeededRandom(3);
        foreach (string name in Reference.Gates1.Concat(Reference.Gates2).Concat(Reference.Gates3).Concat(["c3x", "c4x"]))
        {
            Assert.True(StandardGates.TryGet(name, out GateDefinition? def));
            double[] ps = [.. Enumerable.Range(0, def.ParameterCount).Select(_ => (rng.NextDouble() * 6) - 3)];
            Complex[] m = def.GetMatrix(ps);
            Complex[,] r = Reference.Gate(name, ps);
            int dim = 1 << def.QubitCount;
            for (int i = 0; i < dim; i++)
            {
                for (int j = 0; j < dim; j++)
                {
                    Assert.True((m[(i * dim) + j] - r[i, j]).Magnitude < 1e-14, $"{name}[{i},{j}]");
                }
            }
        }
    }

    [Fact]
    public void EveryStandardGate_IsUnitary_AndSimulatesLikeItsMatrix()
    {
        var rng = new SeededRandom(11);
        foreach (GateDefinition def in StandardGates.All.Values)
        {
            double[] ps = [.. Enumerable.Range(0, def.ParameterCount).Select(_ => (rng.NextDouble() * 6) - 3)];
            Complex[] m = def.GetMatrix(ps);
            int dim = 1 << def.QubitCount;
            for (int i = 0; i < dim; i++)
            {
                for (int j = 0; j < dim; j++)
                {
                    Complex dot = 0;
                    for (int k = 0; k < dim; k++)
                    {
                        dot += Complex.Conjugate(m[(k * dim) + i]) * m[(k * dim) + j];
                    }

                    Assert.True((dot - (i == j ? 1 : 0)).Magnitude < 1e-12, $"{def.Name} not unitary");
                }
            }

            // the simulator's specialised kernel for this gate equals the gate's matrix applied by the reference
            const int n = 6;
            int[] qubits = [.. Enumerable.Range(0, n).OrderBy(_ => rng.NextUInt64()).Take(def.QubitCount)];
            string args = string.Join(",", qubits.Select(q => $"q[{q}]"));
            string ps2 = ps.Length == 0 ? string.Empty : "(" + string.Join(",", ps.Select(p => p.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + ")";
            string prefix = Reference.RandomQasm(n, 12, (ulong)def.Name.Length).Replace("measure q -> c;\n", string.Empty, StringComparison.Ordinal);
            Circuit before = OpenQasmParser.Parse(prefix);
            Circuit after = OpenQasmParser.Parse(prefix + $"{def.Name}{ps2} {args};");
            var rm = new Complex[dim, dim];
            for (int i = 0; i < dim; i++)
            {
                for (int j = 0; j < dim; j++)
                {
                    rm[i, j] = m[(i * dim) + j];
                }
            }

            Complex[] expected = Reference.Apply(Reference.Run(before), n, rm, qubits);
            Assert.True(Reference.MaxDiff(Sim(fusion: false).GetStatevector(after), expected) < 1e-10, def.Name);
        }
    }

    // ------------------------------------------------------------------ sampling

    [Fact]
    public void SameSeed_SameCounts_DifferentSeed_DifferentCounts()
    {
        Circuit c = OpenQasmParser.Parse(Reference.RandomQasm(6, 40, 5));
        var a = Sim().Run(c, 2000, 42);
        var b = Sim().Run(c, 2000, 42);
        var other = Sim().Run(c, 2000, 43);
        Assert.Equal(a.Counts.Entries, b.Counts.Entries);
        Assert.NotEqual(a.Counts.Entries, other.Counts.Entries);
        Assert.Equal(2000, a.Counts.Shots);
    }

    [Theory]
    [InlineData(4, 1UL)]
    [InlineData(8, 2UL)]
    [InlineData(10, 3UL)]
    public void SampledCounts_PassChiSquareAgainstTheExactDistribution(int n, ulong seed)
    {
        Circuit c = OpenQasmParser.Parse(Reference.RandomQasm(n, 60, seed));
        const int shots = 50_000;
        var d = Sim().GetIdealDistribution(c);
        var r = Sim().Run(c, shots, seed * 31);
        AssertChiSquare(d, r.Counts, shots);
    }

    [Fact]
    public void Sampling_AcrossManyChunks_PassesChiSquareAgainstTheProductDistribution()
    {
        // ry on qubits 0, 7 and 13 of 15: the 8 outcomes sit in different 4096-amplitude sampling chunks.
        // Hand computation: P(bit q = 1) = sin²(θ_q / 2), independent per qubit.
        double[] theta = [0.7, 1.9, 2.6];
        int[] qubits = [0, 7, 13];
        Circuit c = OpenQasmParser.Parse(Header + "qreg q[15]; creg c[3];" + string.Concat(Enumerable.Range(0, 3).Select(i => System.FormattableString.Invariant($"ry({theta[i]}) q[{qubits[i]}]; measure q[{qubits[i]}] -> c[{i}];"))));
        var expected = new Dictionary<string, double>();
        for (int v = 0; v < 8; v++)
        {
            double p = 1;
            for (int i = 0; i < 3; i++)
            {
                double p1 = Math.Pow(Math.Sin(theta[i] / 2), 2);
                p *= ((v >> i) & 1) == 1 ? p1 : 1 - p1;
            }

            expected[Convert.ToString(v, 2).PadLeft(3, '0')] = p;
        }

        var ideal = ProbabilityDistribution.Create(expected, 3);
        var d = Sim().GetIdealDistribution(c);
        foreach (var (key, p) in expected)
        {
            Assert.Equal(p, d[key], 12);
        }

        var r = Sim(threads: 2, threshold: 1).Run(c, 50_000, 77);
        Assert.Equal(SimulationMethod.FinalStateSampling, r.Method);
        AssertChiSquare(ideal, r.Counts, 50_000);
    }

    [Theory]
    [InlineData(0, SimulationMethod.Trajectories)]
    [InlineData(1024, SimulationMethod.BranchSampling)]
    public void MidCircuitSampling_PassesChiSquareAgainstTheExactDistribution(int maxBranches, SimulationMethod method)
    {
        string q = Header + "qreg q[3]; creg c[3]; ry(1.0) q[0]; h q[1]; measure q[0] -> c[0]; if (c==1) ry(0.7) q[1]; cx q[1],q[2]; measure q[1] -> c[1]; reset q[1]; h q[1]; measure q[1] -> c[2];";
        Circuit c = OpenQasmParser.Parse(q);
        var d = Sim().GetIdealDistribution(c);

        // hand computation: P(c0=1) = sin²(0.5); q1 then reads 1 with 1/2 (c0=0) or with sin²(π/4+0.35) (c0=1); c2 is a fair coin
        double a = Math.Pow(Math.Sin(0.5), 2), b = Math.Pow(Math.Sin((Math.PI / 4) + 0.35), 2);
        Assert.Equal((1 - a) * 0.5 * 0.5, d["000"], 12);
        Assert.Equal(a * b * 0.5, d["111"], 12);
        var sim = Sim();
        sim.MaxBranchesForSampling = maxBranches;
        var r = sim.Run(c, 20_000, 9);
        Assert.Equal(method, r.Method);
        AssertChiSquare(d, r.Counts, 20_000);
    }

    [Fact]
    public void DeterministicResets_DoNotBranch()
    {
        // 3000 resets of an untouched-or-returned-to-|0> ancilla between gates: each has one possible outcome, so the
        // exact enumeration must stay one branch deep (a copy per reset would need 3000 states).
        var sb = new System.Text.StringBuilder(Header + "qreg q[16]; creg c[2]; h q[0];");
        for (int i = 0; i < 3000; i++)
        {
            sb.Append("cx q[0],q[15]; cx q[0],q[15]; reset q[15];");
        }

        sb.Append("measure q[0] -> c[0]; measure q[15] -> c[1];");
        Circuit c = OpenQasmParser.Parse(sb.ToString());
        var d = Sim().GetIdealDistribution(c);
        Assert.Equal(0.5, d["00"], 12);
        Assert.Equal(0.5, d["01"], 12);
        var r = Sim().Run(c, 1000, 3);
        Assert.Equal(SimulationMethod.BranchSampling, r.Method);
        Assert.Equal(1000, r.Counts["00"] + r.Counts["01"]);
    }

    [Fact]
    public void ManyBranches_FallBackToTrajectories()
    {
        // 12 mid-circuit measurements of fresh superpositions: 4096 branches > shots
        string q = Header + "qreg q[2]; creg c[12];" + string.Concat(Enumerable.Range(0, 12).Select(i => $"h q[0]; measure q[0] -> c[{i}]; cx q[0],q[1];"));
        var r = Sim().Run(OpenQasmParser.Parse(q), 300, 5);
        Assert.Equal(SimulationMethod.Trajectories, r.Method);
        Assert.Equal(300, r.Counts.Shots);
    }

    private static void AssertChiSquare(ProbabilityDistribution ideal, Counts counts, int shots)
    {
        // Bins with expected < 5 are pooled into one; critical value at p = 0.001 via Wilson–Hilferty.
        double chi = 0, pooledE = 0, pooledO = 0;
        int bins = 0;
        foreach (var (key, p) in ideal)
        {
            double e = p * shots, o = counts[key];
            if (e < 5)
            {
                pooledE += e;
                pooledO += o;
                continue;
            }

            chi += (o - e) * (o - e) / e;
            bins++;
        }

        double outside = counts.Where(kv => !ideal.ContainsKey(kv.Key)).Sum(kv => (double)kv.Value);
        Assert.Equal(0, outside);
        if (pooledE >= 5)
        {
            chi += (pooledO - pooledE) * (pooledO - pooledE) / pooledE;
            bins++;
        }

        int df = Math.Max(1, bins - 1);
        double z = 3.090; // one-sided 0.999 quantile
        double critical = df * Math.Pow(1 - (2.0 / (9 * df)) + (z * Math.Sqrt(2.0 / (9 * df))), 3);
        Assert.True(chi < critical, $"chi-square {chi:F1} ≥ {critical:F1} (df {df})");
    }

    [Fact]
    public void Sampling_TerminalFastPath_IsUsedWhenMeasurementsAreFinal()
    {
        var r = Sim().Run(OpenQasmParser.Parse(Header + "qreg q[2]; creg c[2]; reset q; h q[0]; measure q[0] -> c[0]; cx q[1], q[0]; measure q[1] -> c[1];"), 10, 1);
        Assert.NotEqual(SimulationMethod.FinalStateSampling, r.Method); // cx touches q[0] after its measurement
        var t = Sim().Run(OpenQasmParser.Parse(Header + "qreg q[2]; creg c[2]; reset q; h q[0]; measure q[0] -> c[0]; x q[1]; barrier q; measure q[1] -> c[1];"), 10, 1);
        Assert.Equal(SimulationMethod.FinalStateSampling, t.Method);
    }
}
