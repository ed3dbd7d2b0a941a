using System.Collections.Immutable;
using System.Globalization;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Circuits;
using QuantumLM.Quantum.Transpilation;

namespace QuantumLM.Quantum.Simulation.Noise;

/// <summary>
/// Runs circuits under a <see cref="NoiseModel"/> by Monte-Carlo over noise: each trajectory is the circuit with
/// randomly drawn Pauli errors inserted after its pulses (seeded), simulated exactly; shots are shared evenly among the
/// trajectories and drawn from each one's exact outcome distribution, then readout errors flip the recorded bits.
/// With <see cref="Trajectories"/> trajectories the noise average is exact up to Monte-Carlo error ~1/√trajectories.
/// </summary>
public sealed class NoisySimulator
{
    private readonly StatevectorSimulator _simulator;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="simulator">The exact simulator each trajectory runs on, or <see langword="null"/> for a default one.</param>
    public NoisySimulator(StatevectorSimulator? simulator = null)
    {
        _simulator = simulator ?? new StatevectorSimulator();
    }

    /// <summary>Gets the number of noise trajectories (1 to 100,000; fewer when there are fewer shots).</summary>
    public int Trajectories { get; init; } = 200;

    /// <summary>Runs an ISA circuit as the device would (its active physical qubits carry their own calibration).</summary>
    /// <param name="isa">The transpiled circuit.</param>
    /// <param name="noise">The device's noise model.</param>
    /// <param name="shots">The number of shots (1 to 10,000,000).</param>
    /// <param name="seed">The seed; the same seed gives the same counts.</param>
    /// <param name="cancellationToken">Cancels between trajectories.</param>
    /// <returns>The noisy counts.</returns>
    public SimulationResult RunIsa(TranspileResult isa, NoiseModel noise, int shots, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(isa);
        return Run(isa.ToCompactCircuit(), noise, shots, seed, isa.ActiveQubits, cancellationToken);
    }

    /// <summary>Runs a circuit under noise.</summary>
    /// <param name="circuit">The circuit (at least one classical bit).</param>
    /// <param name="noise">The noise model.</param>
    /// <param name="shots">The number of shots (1 to 10,000,000).</param>
    /// <param name="seed">The seed; the same seed gives the same counts.</param>
    /// <param name="physicalQubits">The physical qubit (in <paramref name="noise"/>) of each circuit qubit, or <see langword="null"/> for qubit i = physical qubit i.</param>
    /// <param name="cancellationToken">Cancels between trajectories.</param>
    /// <returns>The noisy counts (<see cref="SimulationMethod.NoisyTrajectories"/>).</returns>
    /// <exception cref="QuantumLmException">Invalid shots (<c>invalid_payload</c>) or a circuit the simulator refuses.</exception>
    public SimulationResult Run(Circuit circuit, NoiseModel noise, int shots, ulong seed, IReadOnlyList<int>? physicalQubits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(noise);
        if (shots < 1 || shots > 10_000_000)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, string.Create(CultureInfo.InvariantCulture, $"shots must be between 1 and 10000000, got {shots}"));
        }

        if (Trajectories < 1 || Trajectories > 100_000)
        {
            throw new QuantumLmException(QuantumLmErrorCodes.InvalidPayload, string.Create(CultureInfo.InvariantCulture, $"trajectories must be between 1 and 100000, got {Trajectories}"));
        }

        if (physicalQubits is not null && physicalQubits.Count != circuit.QubitCount)
        {
            throw new ArgumentException($"physicalQubits has {physicalQubits.Count} entries but the circuit has {circuit.QubitCount} qubits", nameof(physicalQubits));
        }

        Func<int, int> physical = physicalQubits is null ? static q => q : q => physicalQubits[q];
        var root = new SeededRandom(seed);
        SeededRandom noiseRng = root.Fork(1), shotRng = root.Fork(2), readoutRng = root.Fork(3);
        int trajectories = Math.Min(Trajectories, shots);
        var keyed = new Dictionary<string, long>(StringComparer.Ordinal);
        var inserter = new ErrorInserter(noise, physical, noiseRng);
        for (int t = 0; t < trajectories; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var instance = new Circuit(circuit.QubitRegisters, circuit.ClbitRegisters, inserter.Insert(circuit.Operations), circuit.GlobalPhase, circuit.UsesPhysicalQubits);
            ProbabilityDistribution distribution = _simulator.GetIdealDistribution(instance, cancellationToken);
            int share = (shots / trajectories) + (t < shots % trajectories ? 1 : 0);
            Draw(distribution, share, shotRng, keyed);
        }

        Dictionary<string, long> read = ApplyReadout(circuit, keyed, noise, physical, readoutRng);
        return StatevectorSimulator.BuildResult(circuit, read, shots, seed, SimulationMethod.NoisyTrajectories);
    }

    private static void Draw(ProbabilityDistribution distribution, int shots, SeededRandom rng, Dictionary<string, long> into)
    {
        string[] keys = [.. distribution.Keys.Order(StringComparer.Ordinal)];
        double[] cumulative = new double[keys.Length];
        double total = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            total += distribution[keys[i]];
            cumulative[i] = total;
        }

        for (int s = 0; s < shots; s++)
        {
            double u = rng.NextDouble() * total;
            int i = Array.BinarySearch(cumulative, u);
            i = i < 0 ? ~i : i + 1;
            string key = keys[Math.Min(i, keys.Length - 1)];
            into[key] = into.GetValueOrDefault(key) + 1;
        }
    }

    private static Dictionary<string, long> ApplyReadout(Circuit circuit, Dictionary<string, long> keyed, NoiseModel noise, Func<int, int> physical, SeededRandom rng)
    {
        int width = circuit.ClbitCount;
        var measuredQubit = new int[width];
        Array.Fill(measuredQubit, -1);
        MapMeasurements(circuit.Operations, measuredQubit);
        bool any = false;
        for (int c = 0; c < width; c++)
        {
            if (measuredQubit[c] >= 0)
            {
                QubitNoise n = noise.Qubit(physical(measuredQubit[c]));
                any |= n.ReadoutOneGivenZero > 0 || n.ReadoutZeroGivenOne > 0;
            }
        }

        if (!any)
        {
            return keyed;
        }

        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        char[] buffer = new char[width];
        foreach ((string key, long count) in keyed.OrderBy(static kv => kv.Key, StringComparer.Ordinal))
        {
            for (long s = 0; s < count; s++)
            {
                key.CopyTo(buffer);
                for (int c = 0; c < width; c++)
                {
                    if (measuredQubit[c] < 0)
                    {
                        continue;
                    }

                    QubitNoise n = noise.Qubit(physical(measuredQubit[c]));
                    int pos = width - 1 - c;
                    double flip = buffer[pos] == '0' ? n.ReadoutOneGivenZero : n.ReadoutZeroGivenOne;
                    if (flip > 0 && rng.NextDouble() < flip)
                    {
                        buffer[pos] = buffer[pos] == '0' ? '1' : '0';
                    }
                }

                string noisy = new(buffer);
                result[noisy] = result.GetValueOrDefault(noisy) + 1;
            }
        }

        return result;
    }

    private static void MapMeasurements(IEnumerable<CircuitOperation> ops, int[] measuredQubit)
    {
        foreach (CircuitOperation op in ops)
        {
            if (op is MeasureOperation m)
            {
                measuredQubit[m.Clbit] = m.Qubit;
            }
            else if (op is ConditionalOperation c)
            {
                MapMeasurements(c.Then.Concat(c.Else.IsDefault ? [] : c.Else), measuredQubit);
            }
        }
    }

    /// <summary>Draws one trajectory's Pauli errors and inserts them after the operations that cause them.</summary>
    private sealed class ErrorInserter(NoiseModel noise, Func<int, int> physical, SeededRandom rng)
    {
        private static readonly string[] s_paulis = ["id", "x", "y", "z"];

        public List<CircuitOperation> Insert(IEnumerable<CircuitOperation> ops)
        {
            var result = new List<CircuitOperation>();
            foreach (CircuitOperation op in ops)
            {
                switch (op)
                {
                    case GateOperation g:
                        result.Add(g);
                        AfterGate(g, result);
                        break;
                    case DelayOperation d:
                        result.Add(d);
                        double us = d.Unit switch
                        {
                            "dt" => d.Duration * noise.DtMicroseconds,
                            "ns" => d.Duration / 1000,
                            "us" or "µs" => d.Duration,
                            "ms" => d.Duration * 1000,
                            "s" => d.Duration * 1_000_000,
                            _ => 0,
                        };
                        foreach (int q in d.Qubits)
                        {
                            Relax(q, us, result);
                        }

                        break;
                    case ConditionalOperation c:
                        result.Add(c with { Then = [.. Insert(c.Then)], Else = c.Else.IsDefault ? [] : [.. Insert(c.Else)] });
                        break;
                    default:
                        result.Add(op);
                        break;
                }
            }

            return result;
        }

        private void AfterGate(GateOperation g, List<CircuitOperation> result)
        {
            ImmutableArray<int> q = g.Qubits;
            if (q.Length == 1)
            {
                if (g.Definition.IsDiagonal)
                {
                    return; // rz and other phase gates are virtual frame changes on IBM hardware
                }

                QubitNoise n = noise.Qubit(physical(q[0]));
                Relax(q[0], n.SingleQubitGateMicroseconds, result);
                Depolarize1(q[0], Math.Min(1, 1.5 * n.SingleQubitGateError), result);
                return;
            }

            if (q.Length == 2)
            {
                PairNoise? p = noise.Pair(physical(q[0]), physical(q[1]));
                if (p is null)
                {
                    return;
                }

                Relax(q[0], p.Microseconds, result);
                Relax(q[1], p.Microseconds, result);
                Depolarize2(q[0], q[1], Math.Min(1, 1.25 * p.Error), result);
                return;
            }

            foreach (int qubit in q)
            {
                Depolarize1(qubit, Math.Min(1, 1.5 * noise.Qubit(physical(qubit)).SingleQubitGateError), result);
            }
        }

        /// <summary>Pauli-twirled thermal relaxation: p_x = p_y = (1 − e^{−t/T1})/4, p_z = (1 − e^{−t/T2})/2 − p_x.</summary>
        private void Relax(int qubit, double microseconds, List<CircuitOperation> result)
        {
            if (microseconds <= 0)
            {
                return;
            }

            QubitNoise n = noise.Qubit(physical(qubit));
            double pxy = n.T1Microseconds is double t1 ? (1 - Math.Exp(-microseconds / t1)) / 4 : 0;
            double? t2 = n.T2Microseconds is double t2v && n.T1Microseconds is double t1v ? Math.Min(t2v, 2 * t1v) : n.T2Microseconds;
            double pz = t2 is double t ? Math.Max(0, ((1 - Math.Exp(-microseconds / t)) / 2) - pxy) : 0;
            double r = rng.NextDouble();
            string? pauli = r < pxy ? "x" : r < 2 * pxy ? "y" : r < (2 * pxy) + pz ? "z" : null;
            if (pauli is not null)
            {
                result.Add(new GateOperation(pauli, [], [qubit]));
            }
        }

        private void Depolarize1(int qubit, double p, List<CircuitOperation> result)
        {
            if (p > 0 && rng.NextDouble() < p)
            {
                result.Add(new GateOperation(s_paulis[1 + rng.NextInt32(0, 3)], [], [qubit]));
            }
        }

        private void Depolarize2(int a, int b, double p, List<CircuitOperation> result)
        {
            if (p > 0 && rng.NextDouble() < p)
            {
                int k = rng.NextInt32(1, 16);
                if (k % 4 != 0)
                {
                    result.Add(new GateOperation(s_paulis[k % 4], [], [a]));
                }

                if (k / 4 != 0)
                {
                    result.Add(new GateOperation(s_paulis[k / 4], [], [b]));
                }
            }
        }
    }
}
