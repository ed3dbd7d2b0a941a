using System.Collections.Frozen;
using System.Numerics;

namespace QuantumLM.Quantum.Circuits;

/// <summary>
/// A standard gate: its name, arity, parameter count and unitary. Matrices are row-major, 2^k × 2^k, in Qiskit's
/// little-endian order: bit j of a row or column index belongs to the gate's j-th qubit argument (for controlled
/// gates the controls are the first arguments).
/// </summary>
public sealed class GateDefinition
{
    private readonly Func<double[], Complex[]> _matrix;

    internal GateDefinition(string name, int qubitCount, int parameterCount, Func<double[], Complex[]> matrix, bool isDiagonal = false)
    {
        Name = name;
        QubitCount = qubitCount;
        ParameterCount = parameterCount;
        _matrix = matrix;
        IsDiagonal = isDiagonal;
    }

    /// <summary>Gets the canonical (lower-case) name.</summary>
    public string Name { get; }

    /// <summary>Gets the number of qubits it acts on.</summary>
    public int QubitCount { get; }

    /// <summary>Gets the number of angle parameters.</summary>
    public int ParameterCount { get; }

    /// <summary>Gets a value indicating whether the unitary is diagonal for every parameter value.</summary>
    public bool IsDiagonal { get; }

    /// <summary>Computes the unitary for the given angles.</summary>
    /// <param name="parameters">The angles in radians; exactly <see cref="ParameterCount"/> of them.</param>
    /// <returns>A new row-major 2^k × 2^k matrix.</returns>
    public Complex[] GetMatrix(ReadOnlySpan<double> parameters)
    {
        if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException($"gate '{Name}' takes {ParameterCount} parameters, got {parameters.Length}", nameof(parameters));
        }

        return _matrix(parameters.ToArray());
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// The built-in gate library: Qiskit's extended <c>qelib1.inc</c> (43 gates) plus OpenQASM 3 <c>stdgates.inc</c>
/// aliases. Matrices follow Qiskit's gate classes (not the QASMBench copies of <c>qelib1.inc</c>).
/// </summary>
public static class StandardGates
{
    private static readonly FrozenDictionary<string, GateDefinition> s_gates = Build();

    private static readonly FrozenDictionary<string, string> s_aliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["U"] = "u",
        ["CX"] = "cx",
        ["phase"] = "p",
        ["cphase"] = "cp",
        ["c3sx"] = "c3sqrtx",
        ["toffoli"] = "ccx",
        ["fredkin"] = "cswap",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Gets every gate, by canonical name.</summary>
    public static IReadOnlyDictionary<string, GateDefinition> All => s_gates;

    /// <summary>Finds a gate by canonical name or by an alias (<c>U</c>, <c>CX</c>, <c>phase</c>, <c>cphase</c>, <c>c3sx</c>).</summary>
    /// <param name="name">The name.</param>
    /// <param name="definition">The gate, when found.</param>
    /// <returns><see langword="true"/> when the gate exists.</returns>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GateDefinition? definition)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (s_aliases.TryGetValue(name, out string? canonical))
        {
            name = canonical;
        }

        return s_gates.TryGetValue(name, out definition);
    }

    internal static Complex[] U(double theta, double phi, double lambda)
    {
        double c = Math.Cos(theta / 2), s = Math.Sin(theta / 2);
        return
        [
            c, -Complex.FromPolarCoordinates(s, lambda),
            Complex.FromPolarCoordinates(s, phi), Complex.FromPolarCoordinates(c, phi + lambda),
        ];
    }

    private static FrozenDictionary<string, GateDefinition> Build()
    {
        var d = new Dictionary<string, GateDefinition>(StringComparer.Ordinal);
        void Add(string name, int k, int p, Func<double[], Complex[]> m, bool diag = false) => d[name] = new GateDefinition(name, k, p, m, diag);

        Complex i = Complex.ImaginaryOne;
        double r = 1 / Math.Sqrt(2);
        Complex[] x = [0, 1, 1, 0];
        Complex[] sx = [new(0.5, 0.5), new(0.5, -0.5), new(0.5, -0.5), new(0.5, 0.5)];
        Complex[] sxdg = [new(0.5, -0.5), new(0.5, 0.5), new(0.5, 0.5), new(0.5, -0.5)];
        Complex[] h = [r, r, r, -r];
        Complex[] y = [0, -i, i, 0];
        Complex[] Phase(double l) => [1, 0, 0, Complex.FromPolarCoordinates(1, l)];
        Complex[] Rx(double t) => [Math.Cos(t / 2), -i * Math.Sin(t / 2), -i * Math.Sin(t / 2), Math.Cos(t / 2)];
        Complex[] Ry(double t) => [Math.Cos(t / 2), -Math.Sin(t / 2), Math.Sin(t / 2), Math.Cos(t / 2)];
        Complex[] Rz(double t) => [Complex.FromPolarCoordinates(1, -t / 2), 0, 0, Complex.FromPolarCoordinates(1, t / 2)];

        Add("id", 1, 0, _ => [1, 0, 0, 1], diag: true);
        Add("u0", 1, 1, _ => [1, 0, 0, 1], diag: true);
        Add("x", 1, 0, _ => (Complex[])x.Clone());
        Add("y", 1, 0, _ => (Complex[])y.Clone());
        Add("z", 1, 0, _ => [1, 0, 0, -1], diag: true);
        Add("h", 1, 0, _ => (Complex[])h.Clone());
        Add("s", 1, 0, _ => [1, 0, 0, i], diag: true);
        Add("sdg", 1, 0, _ => [1, 0, 0, -i], diag: true);
        Add("t", 1, 0, _ => Phase(Math.PI / 4), diag: true);
        Add("tdg", 1, 0, _ => Phase(-Math.PI / 4), diag: true);
        Add("sx", 1, 0, _ => (Complex[])sx.Clone());
        Add("sxdg", 1, 0, _ => (Complex[])sxdg.Clone());
        Add("rx", 1, 1, a => Rx(a[0]));
        Add("ry", 1, 1, a => Ry(a[0]));
        Add("rz", 1, 1, a => Rz(a[0]), diag: true);
        Add("p", 1, 1, a => Phase(a[0]), diag: true);
        Add("u1", 1, 1, a => Phase(a[0]), diag: true);
        Add("u2", 1, 2, a => U(Math.PI / 2, a[0], a[1]));
        Add("u3", 1, 3, a => U(a[0], a[1], a[2]));
        Add("u", 1, 3, a => U(a[0], a[1], a[2]));

        Add("cx", 2, 0, _ => DenseMatrix.Controlled(x, 1));
        Add("cy", 2, 0, _ => DenseMatrix.Controlled(y, 1));
        Add("cz", 2, 0, _ => DenseMatrix.Controlled([1, 0, 0, -1], 1), diag: true);
        Add("ch", 2, 0, _ => DenseMatrix.Controlled(h, 1));
        Add("csx", 2, 0, _ => DenseMatrix.Controlled(sx, 1));
        Add("cp", 2, 1, a => DenseMatrix.Controlled(Phase(a[0]), 1), diag: true);
        Add("cu1", 2, 1, a => DenseMatrix.Controlled(Phase(a[0]), 1), diag: true);
        Add("crx", 2, 1, a => DenseMatrix.Controlled(Rx(a[0]), 1));
        Add("cry", 2, 1, a => DenseMatrix.Controlled(Ry(a[0]), 1));
        Add("crz", 2, 1, a => DenseMatrix.Controlled(Rz(a[0]), 1), diag: true);
        Add("cu3", 2, 3, a => DenseMatrix.Controlled(U(a[0], a[1], a[2]), 1));
        Add("cu", 2, 4, a => DenseMatrix.Controlled(DenseMatrix.Scale(U(a[0], a[1], a[2]), Complex.FromPolarCoordinates(1, a[3])), 1));
        Add("swap", 2, 0, _ => [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
        Add("rzz", 2, 1, a =>
        {
            Complex m = Complex.FromPolarCoordinates(1, -a[0] / 2), p = Complex.FromPolarCoordinates(1, a[0] / 2);
            return [m, 0, 0, 0, 0, p, 0, 0, 0, 0, p, 0, 0, 0, 0, m];
        }, diag: true);
        Add("rxx", 2, 1, a =>
        {
            Complex c = Math.Cos(a[0] / 2), s = -i * Math.Sin(a[0] / 2);
            return [c, 0, 0, s, 0, c, s, 0, 0, s, c, 0, s, 0, 0, c];
        });

        Add("ccx", 3, 0, _ => DenseMatrix.Controlled(x, 2));
        Add("cswap", 3, 0, _ => DenseMatrix.Controlled([1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1], 1));
        Add("c3x", 4, 0, _ => DenseMatrix.Controlled(x, 3));
        Add("c3sqrtx", 4, 0, _ => DenseMatrix.Controlled(sx, 3));
        Add("c4x", 5, 0, _ => DenseMatrix.Controlled(x, 4));

        // Relative-phase Toffolis: Qiskit's definitions (qelib1.inc), composed once.
        Complex[] u2h = U(Math.PI / 2, 0, Math.PI);
        Complex[] t = Phase(Math.PI / 4), tdg = Phase(-Math.PI / 4);
        Complex[] cx = DenseMatrix.Controlled(x, 1);
        Complex[] rccx = DenseMatrix.Compose(3, [(u2h, [2]), (t, [2]), (cx, [1, 2]), (tdg, [2]), (cx, [0, 2]), (t, [2]), (cx, [1, 2]), (tdg, [2]), (u2h, [2])]);
        Complex[] rc3x = DenseMatrix.Compose(4,
        [
            (u2h, [3]), (t, [3]), (cx, [2, 3]), (tdg, [3]), (u2h, [3]), (cx, [0, 3]), (t, [3]), (cx, [1, 3]), (tdg, [3]),
            (cx, [0, 3]), (t, [3]), (cx, [1, 3]), (tdg, [3]), (u2h, [3]), (t, [3]), (cx, [2, 3]), (tdg, [3]), (u2h, [3]),
        ]);
        Add("rccx", 3, 0, _ => (Complex[])rccx.Clone());
        Add("rc3x", 4, 0, _ => (Complex[])rc3x.Clone());
        return d.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
