using System.Collections.Frozen;
using System.Collections.Immutable;
using QuantumLM.Quantum.Ibm;

namespace QuantumLM.Quantum.Transpilation;

/// <summary>
/// What a device accepts: its physical qubits, which pairs can interact, its native gates and (optionally) how good each
/// qubit and pair is. The transpiler maps circuits onto it. Build one from an IBM backend's configuration and properties
/// with <see cref="FromIbm"/>, or directly for a custom device.
/// </summary>
public sealed class IsaTarget
{
    private readonly FrozenSet<(int, int)> _edgeSet;

    /// <summary>Initializes a target.</summary>
    /// <param name="name">A name for messages (the backend name).</param>
    /// <param name="qubitCount">The number of physical qubits (1 to 4,096).</param>
    /// <param name="couplingMap">The pairs that support a two-qubit gate (either direction; duplicates and reversed pairs are merged).</param>
    /// <param name="basisGates">The native gate names (for IBM Heron: <c>cz, rz, sx, x, id</c>).</param>
    /// <param name="qubitErrors">A cost per physical qubit (for example its readout error), or <see langword="null"/>.</param>
    /// <param name="edgeErrors">A cost per pair (for example its two-qubit gate error), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A pair names a qubit outside the device or a qubit twice.</exception>
    public IsaTarget(
        string name,
        int qubitCount,
        IEnumerable<(int A, int B)> couplingMap,
        IEnumerable<string> basisGates,
        IReadOnlyDictionary<int, double>? qubitErrors = null,
        IReadOnlyDictionary<(int A, int B), double>? edgeErrors = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(couplingMap);
        ArgumentNullException.ThrowIfNull(basisGates);
        ArgumentOutOfRangeException.ThrowIfLessThan(qubitCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(qubitCount, 4096);
        Name = name;
        QubitCount = qubitCount;
        var edges = new SortedSet<(int, int)>();
        foreach ((int a, int b) in couplingMap)
        {
            if ((uint)a >= (uint)qubitCount || (uint)b >= (uint)qubitCount || a == b)
            {
                throw new ArgumentException($"coupling pair ({a}, {b}) is not a pair of distinct qubits of {name} (0..{qubitCount - 1})", nameof(couplingMap));
            }

            edges.Add(a < b ? (a, b) : (b, a));
        }

        Edges = [.. edges];
        _edgeSet = edges.ToFrozenSet();
        BasisGates = basisGates.ToFrozenSet(StringComparer.Ordinal);
        QubitErrors = new double[qubitCount];
        if (qubitErrors is not null)
        {
            foreach (KeyValuePair<int, double> e in qubitErrors)
            {
                if ((uint)e.Key < (uint)qubitCount && double.IsFinite(e.Value) && e.Value >= 0)
                {
                    QubitErrors[e.Key] = e.Value;
                }
            }
        }

        var pairErrors = new Dictionary<(int, int), double>();
        if (edgeErrors is not null)
        {
            foreach (KeyValuePair<(int A, int B), double> e in edgeErrors)
            {
                (int a, int b) = e.Key.A < e.Key.B ? (e.Key.A, e.Key.B) : (e.Key.B, e.Key.A);
                if (_edgeSet.Contains((a, b)) && double.IsFinite(e.Value) && e.Value >= 0)
                {
                    pairErrors[(a, b)] = Math.Max(e.Value, pairErrors.GetValueOrDefault((a, b)));
                }
            }
        }

        EdgeErrors = pairErrors.ToFrozenDictionary();
    }

    /// <summary>Gets the target's name.</summary>
    public string Name { get; }

    /// <summary>Gets the number of physical qubits.</summary>
    public int QubitCount { get; }

    /// <summary>Gets the undirected coupling pairs, each as (smaller, larger), sorted.</summary>
    public ImmutableArray<(int A, int B)> Edges { get; }

    /// <summary>Gets the native gate names.</summary>
    public FrozenSet<string> BasisGates { get; }

    internal double[] QubitErrors { get; }

    internal FrozenDictionary<(int, int), double> EdgeErrors { get; }

    /// <summary>Gets whether two physical qubits can interact directly.</summary>
    /// <param name="a">A physical qubit.</param>
    /// <param name="b">Another physical qubit.</param>
    /// <returns><see langword="true"/> when the pair is in the coupling map.</returns>
    public bool AreCoupled(int a, int b) => _edgeSet.Contains(a < b ? (a, b) : (b, a));

    internal double EdgeError(int a, int b) => EdgeErrors.GetValueOrDefault(a < b ? (a, b) : (b, a));

    /// <summary>Builds a target from an IBM backend's configuration and, when given, its calibration.</summary>
    /// <param name="configuration">The backend configuration (qubits, coupling map, basis gates).</param>
    /// <param name="properties">The backend properties (readout and two-qubit gate errors), or <see langword="null"/>.</param>
    /// <returns>The target.</returns>
    public static IsaTarget FromIbm(IbmBackendConfiguration configuration, IbmBackendProperties? properties = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Dictionary<int, double>? qubitErrors = null;
        Dictionary<(int, int), double>? edgeErrors = null;
        if (properties is not null)
        {
            qubitErrors = [];
            foreach (IbmQubitProperties q in properties.Qubits)
            {
                if (q.ReadoutError is double e)
                {
                    qubitErrors[q.Qubit] = e;
                }
            }

            edgeErrors = [];
            foreach (IbmGateProperties g in properties.Gates)
            {
                if (g.Qubits.Count == 2 && g.Error is double e)
                {
                    edgeErrors[(g.Qubits[0], g.Qubits[1])] = e;
                }
            }
        }

        return new IsaTarget(
            configuration.Name,
            configuration.QubitCount,
            configuration.CouplingMap.Select(static p => (p.Control, p.Target)),
            configuration.BasisGates,
            qubitErrors,
            edgeErrors);
    }
}
