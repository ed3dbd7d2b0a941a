using QuantumLM.Abstractions;
using QuantumLM.Quantum.Circuits;
using QuantumLM.Quantum.Ibm;
using QuantumLM.Quantum.OpenQasm;
using QuantumLM.Quantum.Simulation;
using QuantumLM.Quantum.Simulation.Noise;
using QuantumLM.Quantum.Tests.Transpilation;
using QuantumLM.Quantum.Transpilation;

namespace QuantumLM.Quantum.Tests.Simulation;

public sealed class NoisySimulatorTests
{
    private const string Header = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

    private static Circuit Qasm(string body, int qubits = 1) => OpenQasmParser.Parse(Header + $"qreg q[{qubits}];\ncreg c[{qubits}];\n" + body);

    private static NoiseModel One(QubitNoise n) => new("test", new Dictionary<int, QubitNoise> { [0] = n });

    /// <summary>Asserts an observed frequency is within 5 binomial standard deviations of p.</summary>
    private static void AssertFrequency(long hits, int shots, double p)
    {
        double sigma = Math.Sqrt(p * (1 - p) / shots);
        double f = (double)hits / shots;
        Assert.True(Math.Abs(f - p) <= (5 * sigma) + 1e-12, $"observed {f:F4}, expected {p:F4} ± {5 * sigma:F4}");
    }

    [Fact]
    public void WithoutNoise_GhzStaysOnItsTwoOutcomes()
    {
        var r = new NoisySimulator().Run(Qasm("h q[0];\ncx q[0],q[1];\ncx q[1],q[2];\nmeasure q -> c;\n", 3), new NoiseModel("none", new Dictionary<int, QubitNoise>()), 4000, 1);
        Assert.Equal(SimulationMethod.NoisyTrajectories, r.Method);
        Assert.Equal(4000, r.Shots);
        Assert.Equal(["000", "111"], r.Counts.Entries.Select(static e => e.Key).Order(StringComparer.Ordinal));
        AssertFrequency(r.Counts.Entries.First(static e => e.Key == "111").Value, 4000, 0.5);
    }

    [Theory]
    [InlineData(0.1, 0.0, "", 0.1)]   // |0⟩ read as 1 with P(1|0)
    [InlineData(0.0, 0.2, "x q[0];\n", 0.8)] // |1⟩ read as 1 with 1 − P(0|1)
    public void ReadoutErrors_FlipTheRecordedBit(double p10, double p01, string prep, double expectedOnes)
    {
        const int shots = 20_000;
        var r = new NoisySimulator().Run(Qasm(prep + "measure q -> c;\n"), One(new QubitNoise { ReadoutOneGivenZero = p10, ReadoutZeroGivenOne = p01 }), shots, 7);
        long ones = r.Counts.Entries.Where(static e => e.Key == "1").Sum(static e => e.Value);
        AssertFrequency(ones, shots, expectedOnes);
    }

    [Fact]
    public void GateError_OnX_LeavesZeroWithProbabilityEqualToTheAverageGateError()
    {
        // Depolarizing with Pauli probability 1.5·r after X: an X or Y error (2/3 of them) returns |0⟩, so P(0) = r.
        const int shots = 20_000;
        const double r = 0.06;
        var sim = new NoisySimulator { Trajectories = shots };
        var result = sim.Run(Qasm("x q[0];\nmeasure q -> c;\n"), One(new QubitNoise { SingleQubitGateError = r }), shots, 11);
        long zeros = result.Counts.Entries.Where(static e => e.Key == "0").Sum(static e => e.Value);
        AssertFrequency(zeros, shots, r);
    }

    [Fact]
    public void VirtualRz_IsNoiseless()
    {
        var result = new NoisySimulator().Run(Qasm("rz(0.3) q[0];\nrz(1.1) q[0];\nmeasure q -> c;\n"), One(new QubitNoise { SingleQubitGateError = 0.5 }), 2000, 3);
        Assert.Equal("0", Assert.Single(result.Counts.Entries).Key);
    }

    [Fact]
    public void Relaxation_DuringADelay_FollowsTheTwirledT1Formula()
    {
        // |1⟩, idle t = T1: p_x + p_y = (1 − e^{−1})/2 of the shots end in |0⟩ (the twirled model, documented).
        const int shots = 20_000;
        var circuit = OpenQasmParser.Parse("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[1] q;\nbit[1] c;\nx q[0];\ndelay[100us] q[0];\nc[0] = measure q[0];\n");
        var result = new NoisySimulator { Trajectories = shots }.Run(circuit, One(new QubitNoise { T1Microseconds = 100, T2Microseconds = 200 }), shots, 5);
        long zeros = result.Counts.Entries.Where(static e => e.Key == "0").Sum(static e => e.Value);
        AssertFrequency(zeros, shots, (1 - Math.Exp(-1)) / 2);
    }

    [Fact]
    public void TwoQubitError_SpreadsBellOutcomes()
    {
        // Bell pair with a cz-equivalent error of 0.2 on the pair: odd-parity outcomes appear; none without it.
        var pairs = new Dictionary<(int A, int B), PairNoise> { [(0, 1)] = new PairNoise(0.2, 0) };
        var noisy = new NoiseModel("pair", new Dictionary<int, QubitNoise>(), pairs);
        Circuit bell = Qasm("h q[0];\ncx q[0],q[1];\nmeasure q -> c;\n", 2);
        var r = new NoisySimulator { Trajectories = 4000 }.Run(bell, noisy, 4000, 9);
        long odd = r.Counts.Entries.Where(static e => e.Key is "01" or "10").Sum(static e => e.Value);
        // A two-qubit Pauli flips parity for 8 of the 15 non-identity Paulis: P(odd) = 1.25·0.2·8/15.
        AssertFrequency(odd, 4000, 1.25 * 0.2 * 8 / 15);
    }

    [Fact]
    public void SameSeed_SameCounts_OtherSeed_OtherCounts()
    {
        var noise = One(new QubitNoise { SingleQubitGateError = 0.1, ReadoutOneGivenZero = 0.05, ReadoutZeroGivenOne = 0.05 });
        Circuit c = Qasm("h q[0];\nmeasure q -> c;\n");
        var a = new NoisySimulator().Run(c, noise, 1000, 42);
        var b = new NoisySimulator().Run(c, noise, 1000, 42);
        var d = new NoisySimulator().Run(c, noise, 1000, 43);
        Assert.Equal(a.Counts.Entries, b.Counts.Entries);
        Assert.NotEqual(a.Counts.Entries, d.Counts.Entries);
    }

    [Fact]
    public void TranspiledCircuit_UsesTheCalibrationOfItsPhysicalQubits()
    {
        // Only physical qubit 3 of a 5-qubit line reads badly; a 1-qubit X lands wherever layout puts it, and the
        // calibration-aware layout avoids the bad qubit, so the result stays clean.
        var errors = new Dictionary<int, double> { [0] = 0.4, [1] = 0.4, [2] = 0.4, [3] = 0.0, [4] = 0.4 };
        var target = new IsaTarget("line5", 5, Enumerable.Range(0, 4).Select(static i => (i, i + 1)), Devices.HeronBasis, errors);
        var noise = new NoiseModel("line5", Enumerable.Range(0, 5).ToDictionary(static q => q, q => new QubitNoise { ReadoutZeroGivenOne = errors[q] }));
        TranspileResult isa = IsaTranspiler.Transpile(Qasm("x q[0];\nmeasure q -> c;\n"), target);
        Assert.Equal(3, isa.InitialLayout[0]);
        var r = new NoisySimulator().RunIsa(isa, noise, 2000, 1);
        Assert.Equal("1", Assert.Single(r.Counts.Entries).Key);
    }

    [Fact]
    public void FromIbm_ReadsTheCalibration()
    {
        var props = new IbmBackendProperties
        {
            Name = "ibm_test",
            Qubits =
            [
                new IbmQubitProperties { Qubit = 0, T1Microseconds = 150, T2Microseconds = 90, ProbMeas1Prep0 = 0.01, ProbMeas0Prep1 = 0.02, ReadoutError = 0.015 },
                new IbmQubitProperties { Qubit = 1, ReadoutError = 0.03 },
            ],
            Gates =
            [
                new IbmGateProperties { Gate = "sx", Qubits = [0], Error = 2e-4, LengthMicroseconds = 0.024 },
                new IbmGateProperties { Gate = "x", Qubits = [0], Error = 3e-4, LengthMicroseconds = 0.024 },
                new IbmGateProperties { Gate = "cz", Qubits = [0, 1], Error = 4e-3, LengthMicroseconds = 0.068 },
            ],
        };
        NoiseModel m = NoiseModel.FromIbm(props);
        Assert.Equal("ibm_test", m.Name);
        Assert.Equal(150, m.Qubit(0).T1Microseconds);
        Assert.Equal(0.01, m.Qubit(0).ReadoutOneGivenZero);
        Assert.Equal(0.02, m.Qubit(0).ReadoutZeroGivenOne);
        Assert.Equal(3e-4, m.Qubit(0).SingleQubitGateError);
        Assert.Equal(0.03, m.Qubit(1).ReadoutOneGivenZero); // symmetric readout error when the split is missing
        Assert.Equal(new PairNoise(4e-3, 0.068), m.Pair(1, 0));
        Assert.Null(m.Pair(0, 2));
        Assert.Equal(0, m.Qubit(99).SingleQubitGateError);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void NoiseModel_RejectsImpossibleProbabilities(double p)
    {
        var ex = Assert.Throws<ArgumentException>(() => One(new QubitNoise { ReadoutOneGivenZero = p }));
        Assert.Contains("qubit 0 readout P(1|0)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidShotsOrTrajectories_AreClearErrors()
    {
        var noise = One(new QubitNoise());
        var ex = Assert.Throws<QuantumLmException>(() => new NoisySimulator().Run(Qasm("measure q -> c;\n"), noise, 0, 1));
        Assert.Contains("shots must be between 1 and 10000000, got 0", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<QuantumLmException>(() => new NoisySimulator { Trajectories = 0 }.Run(Qasm("measure q -> c;\n"), noise, 10, 1));
        Assert.Contains("trajectories", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new NoisySimulator().Run(Qasm("measure q -> c;\n"), noise, 10, 1, [0, 1]));
    }
}
