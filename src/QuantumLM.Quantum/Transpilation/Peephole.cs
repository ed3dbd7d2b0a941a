using System.Numerics;
using S = QuantumLM.Quantum.Transpilation.OneQubitSynthesis;

namespace QuantumLM.Quantum.Transpilation;

/// <summary>
/// Local simplifications on physical operations in the CZ basis: runs of single-qubit gates merge into one unitary
/// (identities vanish), and two CZ on the same pair with nothing between them on either qubit cancel. Repeated until
/// nothing changes, since each rule can expose the other (H·CZ·H·H·CZ·H → H·CZ·CZ·H → H·H → nothing).
/// </summary>
internal static class Peephole
{
    public static List<TOp> Run(List<TOp> ops, int qubitCount)
    {
        for (int pass = 0; pass < 8; pass++)
        {
            int before = ops.Count;
            ops = CancelCz(MergeSingleQubitRuns(ops, qubitCount), qubitCount);
            if (ops.Count == before)
            {
                break;
            }
        }

        return ops;
    }

    public static List<TOp> MergeSingleQubitRuns(List<TOp> ops, int qubitCount)
    {
        var result = new List<TOp>(ops.Count);
        var pending = new Complex[]?[qubitCount];
        void Flush(int q)
        {
            if (pending[q] is { } m)
            {
                if (!S.IsIdentity(m))
                {
                    result.Add(TOp.One(m, q));
                }

                pending[q] = null;
            }
        }

        foreach (TOp op in ops)
        {
            if (op.Kind == TOpKind.OneQubit)
            {
                int q = op.Qubits[0];
                pending[q] = pending[q] is { } m ? S.Multiply(op.Matrix!, m) : op.Matrix;
                continue;
            }

            foreach (int q in op.Qubits)
            {
                Flush(q);
            }

            result.Add(op.Kind == TOpKind.Conditional
                ? TOp.If(op.Condition!, MergeSingleQubitRuns(op.Then!, qubitCount), MergeSingleQubitRuns(op.Else!, qubitCount), op.Qubits)
                : op);
        }

        for (int q = 0; q < qubitCount; q++)
        {
            Flush(q);
        }

        return result;
    }

    private static List<TOp> CancelCz(List<TOp> ops, int qubitCount)
    {
        var result = new List<TOp?>(ops.Count);
        int[] last = new int[qubitCount];
        Array.Fill(last, -1);
        foreach (TOp op in ops)
        {
            if (op.Kind == TOpKind.Cz)
            {
                int a = op.Qubits[0], b = op.Qubits[1];
                int i = last[a];
                if (i >= 0 && i == last[b] && result[i] is { Kind: TOpKind.Cz })
                {
                    result[i] = null;
                    last[a] = last[b] = -1;
                    continue;
                }
            }

            result.Add(op);
            foreach (int q in op.Qubits)
            {
                last[q] = result.Count - 1;
            }
        }

        return [.. result.OfType<TOp>()];
    }
}
