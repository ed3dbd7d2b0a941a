using System.Collections.Frozen;
using QuantumLM.Quantum.Ibm;

namespace QuantumLM.Quantum.Simulation.Noise;

/// <summary>The calibration of one physical qubit, as the noise model uses it.</summary>
public sealed record QubitNoise
{
    /// <summary>Gets the energy relaxation time T1 in microseconds, or <see langword="null"/> for none.</summary>
    public double? T1Microseconds { get; init; }

    /// <summary>Gets the dephasing time T2 in microseconds (at most 2·T1), or <see langword="null"/> for none.</summary>
    public double? T2Microseconds { get; init; }

    /// <summary>Gets P(read 1 | prepared 0).</summary>
    public double ReadoutOneGivenZero { get; init; }

    /// <summary>Gets P(read 0 | prepared 1).</summary>
    public double ReadoutZeroGivenOne { get; init; }

    /// <summary>Gets the average gate error of the qubit's single-qubit pulses (sx, x).</summary>
    public double SingleQubitGateError { get; init; }

    /// <summary>Gets the duration of a single-qubit pulse in microseconds.</summary>
    public double SingleQubitGateMicroseconds { get; init; }
}

/// <summary>The calibration of one coupled pair.</summary>
/// <param name="Error">The average gate error of the two-qubit gate.</param>
/// <param name="Microseconds">Its duration in microseconds.</param>
public sealed record PairNoise(double Error, double Microseconds);

/// <summary>
/// An approximate noise model of a device, built from its calibration so that the local simulator can imitate it:
/// after each pulse a Pauli-twirled thermal-relaxation channel (T1, T2 over the pulse's duration) and a depolarizing
/// channel matching the calibrated average gate error; readout errors flip the recorded bits. <c>rz</c> is virtual
/// (error-free), as on IBM hardware.
/// </summary>
/// <remarks>
/// An approximation, on purpose: relaxation is twirled into Pauli errors (so |1⟩ decays at half the rate of true
/// amplitude damping over a single idle period), gate errors are treated as depolarizing on top of relaxation,
/// crosstalk and leakage are ignored, and readout flips apply to the recorded bits only (a mid-circuit measurement
/// steers an if/else by the true outcome). Good enough to see what a device does to a circuit's distribution; not a
/// replacement for running on it.
/// </remarks>
public sealed class NoiseModel
{
    private readonly FrozenDictionary<int, QubitNoise> _qubits;
    private readonly FrozenDictionary<(int, int), PairNoise> _pairs;

    /// <summary>Initializes a noise model.</summary>
    /// <param name="name">A name (the backend it imitates).</param>
    /// <param name="qubits">Per physical qubit; qubits not listed are noiseless.</param>
    /// <param name="pairs">Per coupled pair (either order); pairs not listed use <paramref name="defaultPair"/>.</param>
    /// <param name="defaultPair">The two-qubit noise of unlisted pairs, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">A probability is outside [0, 1], a time is negative or not finite.</exception>
    public NoiseModel(string name, IReadOnlyDictionary<int, QubitNoise> qubits, IReadOnlyDictionary<(int A, int B), PairNoise>? pairs = null, PairNoise? defaultPair = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(qubits);
        Name = name;
        foreach ((int q, QubitNoise n) in qubits)
        {
            Check(n.ReadoutOneGivenZero, $"qubit {q} readout P(1|0)");
            Check(n.ReadoutZeroGivenOne, $"qubit {q} readout P(0|1)");
            Check(n.SingleQubitGateError, $"qubit {q} single-qubit gate error");
            CheckTime(n.SingleQubitGateMicroseconds, $"qubit {q} single-qubit gate duration");
            if (n.T1Microseconds is double t1)
            {
                CheckTime(t1, $"qubit {q} T1");
            }

            if (n.T2Microseconds is double t2)
            {
                CheckTime(t2, $"qubit {q} T2");
            }
        }

        var byPair = new Dictionary<(int, int), PairNoise>();
        foreach (((int a, int b), PairNoise p) in pairs ?? new Dictionary<(int A, int B), PairNoise>())
        {
            Check(p.Error, $"pair ({a}, {b}) gate error");
            CheckTime(p.Microseconds, $"pair ({a}, {b}) gate duration");
            byPair[a < b ? (a, b) : (b, a)] = p;
        }

        if (defaultPair is not null)
        {
            Check(defaultPair.Error, "default two-qubit gate error");
            CheckTime(defaultPair.Microseconds, "default two-qubit gate duration");
        }

        _qubits = qubits.ToFrozenDictionary();
        _pairs = byPair.ToFrozenDictionary();
        DefaultPair = defaultPair;
    }

    /// <summary>Gets the model's name.</summary>
    public string Name { get; }

    /// <summary>Gets the two-qubit noise of pairs without their own calibration.</summary>
    public PairNoise? DefaultPair { get; }

    /// <summary>Gets the length of one <c>dt</c> in microseconds, for <c>delay[…dt]</c> (IBM Heron: 4 ns).</summary>
    public double DtMicroseconds { get; init; } = 0.004;

    /// <summary>Gets a physical qubit's calibration (a noiseless one when it has none).</summary>
    /// <param name="qubit">The physical qubit.</param>
    /// <returns>The calibration.</returns>
    public QubitNoise Qubit(int qubit) => _qubits.TryGetValue(qubit, out QubitNoise? n) ? n : s_noiseless;

    /// <summary>Gets a pair's two-qubit calibration, or <see cref="DefaultPair"/>.</summary>
    /// <param name="a">One physical qubit.</param>
    /// <param name="b">The other.</param>
    /// <returns>The calibration, or <see langword="null"/> for none.</returns>
    public PairNoise? Pair(int a, int b) => _pairs.TryGetValue(a < b ? (a, b) : (b, a), out PairNoise? p) ? p : DefaultPair;

    private static readonly QubitNoise s_noiseless = new();

    /// <summary>
    /// Builds the model of an IBM backend from its properties (T1, T2, readout errors, sx/x and cz/ecr gate errors and
    /// lengths). Missing values count as noiseless.
    /// </summary>
    /// <param name="properties">The backend's calibration (<see cref="IbmRuntimeClient.GetBackendPropertiesAsync"/>).</param>
    /// <returns>The model.</returns>
    public static NoiseModel FromIbm(IbmBackendProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var oneQubit = new Dictionary<int, (double Error, double Length)>();
        var pairs = new Dictionary<(int A, int B), PairNoise>();
        foreach (IbmGateProperties g in properties.Gates)
        {
            if (g.Qubits.Count == 1 && g.Gate is "sx" or "x" && g.Error is double e1)
            {
                (double err, double len) = oneQubit.GetValueOrDefault(g.Qubits[0]);
                oneQubit[g.Qubits[0]] = (Math.Max(err, e1), Math.Max(len, g.LengthMicroseconds ?? 0));
            }
            else if (g.Qubits.Count == 2 && g.Gate is "cz" or "ecr" or "cx" && g.Error is double e2)
            {
                pairs[(g.Qubits[0], g.Qubits[1])] = new PairNoise(Math.Clamp(e2, 0, 1), Math.Max(0, g.LengthMicroseconds ?? 0));
            }
        }

        var qubits = new Dictionary<int, QubitNoise>();
        foreach (IbmQubitProperties q in properties.Qubits)
        {
            (double err, double len) = oneQubit.GetValueOrDefault(q.Qubit);
            double symmetric = q.ReadoutError ?? 0;
            qubits[q.Qubit] = new QubitNoise
            {
                T1Microseconds = q.T1Microseconds is > 0 ? q.T1Microseconds : null,
                T2Microseconds = q.T2Microseconds is > 0 ? q.T2Microseconds : null,
                ReadoutOneGivenZero = Math.Clamp(q.ProbMeas1Prep0 ?? symmetric, 0, 1),
                ReadoutZeroGivenOne = Math.Clamp(q.ProbMeas0Prep1 ?? symmetric, 0, 1),
                SingleQubitGateError = Math.Clamp(err, 0, 1),
                SingleQubitGateMicroseconds = len,
            };
        }

        return new NoiseModel(properties.Name, qubits, pairs);
    }

    private static void Check(double p, string what)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentException($"{what} = {p} is not a probability in [0, 1]");
        }
    }

    private static void CheckTime(double t, string what)
    {
        if (!(t >= 0 && double.IsFinite(t)))
        {
            throw new ArgumentException($"{what} = {t} must be a finite, non-negative number of microseconds");
        }
    }
}
