using System.Numerics;
using QuantumLM.Quantum.Circuits;
using S = QuantumLM.Quantum.Transpilation.OneQubitSynthesis;

namespace QuantumLM.Quantum.Transpilation;

/// <summary>
/// Lowers a circuit to single-qubit unitaries, CX and CZ (plus measure, reset, barrier, delay and single-qubit
/// conditionals). Controlled single-qubit gates use the A·X·B·X·C construction (Nielsen &amp; Chuang, corollary 4.2),
/// multi-controlled gates Barenco et al.'s square-root recursion (1995, lemma 7.5); all rules are exact, so the
/// lowered circuit has the same unitary up to a global phase.
/// </summary>
internal static class Decomposer
{
    public static List<TOp> Lower(Circuit circuit)
    {
        var ops = new List<TOp>(circuit.Operations.Length * 2);
        foreach (CircuitOperation op in circuit.Operations)
        {
            Lower(op, ops, inConditional: false);
        }

        return ops;
    }

    private static void Lower(CircuitOperation op, List<TOp> ops, bool inConditional)
    {
        switch (op)
        {
            case GateOperation g:
                int before = ops.Count;
                LowerGate(g, ops);
                if (inConditional && ops.Skip(before).Any(static o => o.Kind != TOpKind.OneQubit))
                {
                    throw new NotSupportedException($"gate '{g.Name}' inside if/else: the transpiler routes only single-qubit gates in conditional blocks");
                }

                break;
            case MeasureOperation m:
                ops.Add(TOp.Measure(m.Qubit, m.Clbit));
                break;
            case ResetOperation r:
                ops.Add(TOp.Reset(r.Qubit));
                break;
            case BarrierOperation b:
                ops.Add(TOp.Barrier([.. b.Qubits]));
                break;
            case DelayOperation d:
                ops.Add(TOp.DelayOn(d, [.. d.Qubits]));
                break;
            case ConditionalOperation c:
                if (inConditional)
                {
                    throw new NotSupportedException("nested if/else blocks are not supported by the transpiler");
                }

                var then = new List<TOp>();
                var @else = new List<TOp>();
                foreach (CircuitOperation o in c.Then)
                {
                    Lower(o, then, inConditional: true);
                }

                foreach (CircuitOperation o in c.Else.IsDefault ? [] : c.Else)
                {
                    Lower(o, @else, inConditional: true);
                }

                int[] qubits = [.. then.Concat(@else).SelectMany(static o => o.Qubits).Distinct().Order()];
                ops.Add(TOp.If(c.Condition, then, @else, qubits));
                break;
            default:
                throw new NotSupportedException($"operation {op.GetType().Name} is not supported by the transpiler");
        }
    }

    private static void LowerGate(GateOperation g, List<TOp> ops)
    {
        int[] q = [.. g.Qubits];
        double[] p = [.. g.Parameters];
        switch (g.Name)
        {
            case "cx":
                ops.Add(TOp.Cx(q[0], q[1]));
                return;
            case "cz":
                ops.Add(TOp.Cz(q[0], q[1]));
                return;
            case "swap":
                ops.Add(TOp.Swap(q[0], q[1]));
                return;
            case "rzz":
                ops.Add(TOp.Cx(q[0], q[1]));
                ops.Add(TOp.One(S.Rz(p[0]), q[1]));
                ops.Add(TOp.Cx(q[0], q[1]));
                return;
            case "rxx":
                ops.Add(TOp.One(S.H, q[0]));
                ops.Add(TOp.One(S.H, q[1]));
                ops.Add(TOp.Cx(q[0], q[1]));
                ops.Add(TOp.One(S.Rz(p[0]), q[1]));
                ops.Add(TOp.Cx(q[0], q[1]));
                ops.Add(TOp.One(S.H, q[0]));
                ops.Add(TOp.One(S.H, q[1]));
                return;
            case "cswap":
                ops.Add(TOp.Cx(q[2], q[1]));
                MultiControlled(S.X, [q[0], q[1]], q[2], ops);
                ops.Add(TOp.Cx(q[2], q[1]));
                return;
            case "rccx":
                RelativePhaseToffoli(q, ops);
                return;
            case "rc3x":
                RelativePhaseC3x(q, ops);
                return;
        }

        if (g.Definition.QubitCount == 1)
        {
            ops.Add(TOp.One(g.Definition.GetMatrix(p), q[0]));
            return;
        }

        // The remaining gates are controlled single-qubit gates: controls first, target last.
        int controls = g.Definition.QubitCount - 1;
        Complex[] full = g.Definition.GetMatrix(p);
        Complex[] u = TargetBlock(full, controls);
        MultiControlled(u, q[..controls], q[controls], ops);
    }

    /// <summary>Reads the target block of a controlled gate (controls are the low bits of the matrix index).</summary>
    private static Complex[] TargetBlock(Complex[] full, int controls)
    {
        int dim = 2 << controls;
        int cmask = (1 << controls) - 1;
        int r0 = cmask, r1 = (1 << controls) | cmask;
        return [full[(r0 * dim) + r0], full[(r0 * dim) + r1], full[(r1 * dim) + r0], full[(r1 * dim) + r1]];
    }

    /// <summary>Emits C^n(U) with n ≥ 1 controls.</summary>
    private static void MultiControlled(Complex[] u, int[] controls, int target, List<TOp> ops)
    {
        if (controls.Length == 1)
        {
            Controlled(u, controls[0], target, ops);
            return;
        }

        if (controls.Length == 2 && IsX(u))
        {
            Toffoli(controls[0], controls[1], target, ops);
            return;
        }

        // Λn(U) = Λ1(V)[cn,t] · Λn−1(X)[c1..cn−1, cn] · Λ1(V†)[cn,t] · Λn−1(X)[c1..cn−1, cn] · Λn−1(V)[c1..cn−1, t], V² = U.
        Complex[] v = S.Sqrt(u);
        int last = controls[^1];
        int[] rest = controls[..^1];
        Controlled(v, last, target, ops);
        MultiControlled(S.X, rest, last, ops);
        Controlled(S.Adjoint(v), last, target, ops);
        MultiControlled(S.X, rest, last, ops);
        MultiControlled(v, rest, target, ops);
    }

    private static bool IsX(Complex[] u) =>
        u[0].Magnitude < 1e-12 && u[3].Magnitude < 1e-12 && (u[1] - Complex.One).Magnitude < 1e-12 && (u[2] - Complex.One).Magnitude < 1e-12;

    /// <summary>Emits controlled-U: U = e^{iα}·Rz(β)·Ry(γ)·Rz(δ), A = Rz(β)Ry(γ/2), B = Ry(−γ/2)Rz(−(δ+β)/2), C = Rz((δ−β)/2).</summary>
    private static void Controlled(Complex[] u, int control, int target, List<TOp> ops)
    {
        if (IsX(u))
        {
            ops.Add(TOp.Cx(control, target));
            return;
        }

        if (u[1].Magnitude < 1e-12 && u[2].Magnitude < 1e-12 && (u[0] - Complex.One).Magnitude < 1e-12 && (u[3] + Complex.One).Magnitude < 1e-12)
        {
            ops.Add(TOp.Cz(control, target));
            return;
        }

        // u(θ, φ, λ) = e^{i(φ+λ)/2}·Rz(φ)·Ry(θ)·Rz(λ)
        (double theta, double phi, double lambda, double alpha) = S.ToU(u);
        double globalAlpha = alpha + ((phi + lambda) / 2);
        double beta = phi, gamma = theta, delta = lambda;
        Complex[] a = S.Multiply(S.Rz(beta), S.Ry(gamma / 2));
        Complex[] b = S.Multiply(S.Ry(-gamma / 2), S.Rz(-(delta + beta) / 2));
        Complex[] c = S.Rz((delta - beta) / 2);
        ops.Add(TOp.One(c, target));
        ops.Add(TOp.Cx(control, target));
        ops.Add(TOp.One(b, target));
        ops.Add(TOp.Cx(control, target));
        ops.Add(TOp.One(a, target));
        ops.Add(TOp.One(S.Phase(globalAlpha), control));
    }

    /// <summary>The standard six-CX Toffoli.</summary>
    private static void Toffoli(int a, int b, int t, List<TOp> ops)
    {
        Complex[] tg = S.Phase(Math.PI / 4), tdg = S.Phase(-Math.PI / 4);
        ops.Add(TOp.One(S.H, t));
        ops.Add(TOp.Cx(b, t));
        ops.Add(TOp.One(tdg, t));
        ops.Add(TOp.Cx(a, t));
        ops.Add(TOp.One(tg, t));
        ops.Add(TOp.Cx(b, t));
        ops.Add(TOp.One(tdg, t));
        ops.Add(TOp.Cx(a, t));
        ops.Add(TOp.One(tg, b));
        ops.Add(TOp.One(tg, t));
        ops.Add(TOp.One(S.H, t));
        ops.Add(TOp.Cx(a, b));
        ops.Add(TOp.One(tg, a));
        ops.Add(TOp.One(tdg, b));
        ops.Add(TOp.Cx(a, b));
    }

    /// <summary>Qiskit's rccx definition (qelib1.inc): u2(0,π) t; t; cx b,t; tdg; cx a,t; t; cx b,t; tdg; u2(0,π).</summary>
    private static void RelativePhaseToffoli(int[] q, List<TOp> ops)
    {
        Complex[] u2h = StandardGates.U(Math.PI / 2, 0, Math.PI);
        Complex[] tg = S.Phase(Math.PI / 4), tdg = S.Phase(-Math.PI / 4);
        ops.Add(TOp.One(u2h, q[2]));
        ops.Add(TOp.One(tg, q[2]));
        ops.Add(TOp.Cx(q[1], q[2]));
        ops.Add(TOp.One(tdg, q[2]));
        ops.Add(TOp.Cx(q[0], q[2]));
        ops.Add(TOp.One(tg, q[2]));
        ops.Add(TOp.Cx(q[1], q[2]));
        ops.Add(TOp.One(tdg, q[2]));
        ops.Add(TOp.One(u2h, q[2]));
    }

    /// <summary>Qiskit's rc3x definition (qelib1.inc).</summary>
    private static void RelativePhaseC3x(int[] q, List<TOp> ops)
    {
        Complex[] u2h = StandardGates.U(Math.PI / 2, 0, Math.PI);
        Complex[] tg = S.Phase(Math.PI / 4), tdg = S.Phase(-Math.PI / 4);
        (Complex[]? M, int A, int B)[] seq =
        [
            (u2h, 3, -1), (tg, 3, -1), (null, 2, 3), (tdg, 3, -1), (u2h, 3, -1), (null, 0, 3), (tg, 3, -1), (null, 1, 3), (tdg, 3, -1),
            (null, 0, 3), (tg, 3, -1), (null, 1, 3), (tdg, 3, -1), (u2h, 3, -1), (tg, 3, -1), (null, 2, 3), (tdg, 3, -1), (u2h, 3, -1),
        ];
        foreach ((Complex[]? m, int a, int b) in seq)
        {
            ops.Add(m is null ? TOp.Cx(q[a], q[b]) : TOp.One(m, q[a]));
        }
    }
}
