using System.Numerics;
using QuantumLM.Quantum.Circuits;

namespace QuantumLM.Quantum.Transpilation;

internal enum TOpKind
{
    OneQubit,
    Cx,
    Cz,
    Swap,
    Measure,
    Reset,
    Barrier,
    Delay,
    Conditional,
}

/// <summary>One operation of the transpiler's working list: single-qubit gates as 2×2 matrices, the two-qubit gates it routes, and the rest.</summary>
internal sealed class TOp
{
    private TOp(TOpKind kind, int[] qubits)
    {
        Kind = kind;
        Qubits = qubits;
    }

    public TOpKind Kind { get; }

    /// <summary>Gets the qubits (virtual before routing, physical after); for CX the control first.</summary>
    public int[] Qubits { get; }

    /// <summary>Gets the row-major 2×2 matrix of a single-qubit gate.</summary>
    public Complex[]? Matrix { get; private init; }

    public int Clbit { get; private init; }

    public DelayOperation? Delay { get; private init; }

    public ClassicalCondition? Condition { get; private init; }

    public List<TOp>? Then { get; private init; }

    public List<TOp>? Else { get; private init; }

    public bool IsTwoQubit => Kind is TOpKind.Cx or TOpKind.Cz or TOpKind.Swap;

    public static TOp One(Complex[] matrix, int q) => new(TOpKind.OneQubit, [q]) { Matrix = matrix };

    public static TOp Cx(int c, int t) => new(TOpKind.Cx, [c, t]);

    public static TOp Cz(int a, int b) => new(TOpKind.Cz, [a, b]);

    public static TOp Swap(int a, int b) => new(TOpKind.Swap, [a, b]);

    public static TOp Measure(int q, int c) => new(TOpKind.Measure, [q]) { Clbit = c };

    public static TOp Reset(int q) => new(TOpKind.Reset, [q]);

    public static TOp Barrier(int[] qubits) => new(TOpKind.Barrier, qubits);

    public static TOp DelayOn(DelayOperation d, int[] qubits) => new(TOpKind.Delay, qubits) { Delay = d };

    public static TOp If(ClassicalCondition condition, List<TOp> then, List<TOp> @else, int[] qubits) =>
        new(TOpKind.Conditional, qubits) { Condition = condition, Then = then, Else = @else };

    /// <summary>Returns this operation on other qubits (<paramref name="map"/>: old index → new index).</summary>
    public TOp Remap(Func<int, int> map)
    {
        int[] q = [.. Qubits.Select(map)];
        return new TOp(Kind, q)
        {
            Matrix = Matrix,
            Clbit = Clbit,
            Delay = Delay,
            Condition = Condition,
            Then = Then?.Select(o => o.Remap(map)).ToList(),
            Else = Else?.Select(o => o.Remap(map)).ToList(),
        };
    }
}
