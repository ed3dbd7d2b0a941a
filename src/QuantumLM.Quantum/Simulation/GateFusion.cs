using System.Numerics;
using QuantumLM.Quantum.Circuits;

namespace QuantumLM.Quantum.Simulation;

/// <summary>
/// Greedy gate fusion: starting from the first unfused gate, absorbs later gates while the union of qubits stays within
/// <c>maxQubits</c>, looking past gates on other qubits (they commute) until every qubit is blocked or a window of
/// gates is scanned. A block of one gate keeps its specialised kernel; a block of diagonal gates becomes one diagonal;
/// anything else becomes one dense 2^k × 2^k matrix.
/// </summary>
internal static class GateFusion
{
    private const int Window = 512;

    public static List<SimGate> Fuse(IReadOnlyList<GateOperation> gates, int qubitCount, int maxQubits)
    {
        var result = new List<SimGate>();
        var used = new bool[gates.Count];
        var blocked = new bool[qubitCount];
        var inBlock = new bool[qubitCount];
        var members = new List<int>();
        var blockQubits = new List<int>();
        for (int start = 0; start < gates.Count; start++)
        {
            if (used[start])
            {
                continue;
            }

            if (gates[start].Qubits.Length > maxQubits || gates[start].Name is "id" or "u0")
            {
                used[start] = true;
                result.Add(SimGate.FromOperation(gates[start]));
                continue;
            }

            Array.Clear(blocked);
            Array.Clear(inBlock);
            members.Clear();
            blockQubits.Clear();
            members.Add(start);
            used[start] = true;
            foreach (int q in gates[start].Qubits)
            {
                inBlock[q] = true;
                blockQubits.Add(q);
            }

            int blockedCount = 0;
            int end = Math.Min(gates.Count, start + Window);
            for (int j = start + 1; j < end && blockedCount < qubitCount; j++)
            {
                if (used[j])
                {
                    continue;
                }

                GateOperation g = gates[j];
                bool hitsBlocked = false;
                int extra = 0;
                foreach (int q in g.Qubits)
                {
                    hitsBlocked |= blocked[q];
                    if (!inBlock[q])
                    {
                        extra++;
                    }
                }

                if (!hitsBlocked && blockQubits.Count + extra <= maxQubits)
                {
                    used[j] = true;
                    members.Add(j);
                    foreach (int q in g.Qubits)
                    {
                        if (!inBlock[q])
                        {
                            inBlock[q] = true;
                            blockQubits.Add(q);
                        }
                    }

                    continue;
                }

                foreach (int q in g.Qubits)
                {
                    if (!blocked[q])
                    {
                        blocked[q] = true;
                        blockedCount++;
                    }
                }

                if (blockedCount == qubitCount)
                {
                    break;
                }
            }

            if (members.Count == 1)
            {
                result.Add(SimGate.FromOperation(gates[start]));
                continue;
            }

            blockQubits.Sort();
            result.Add(Build(gates, members, [.. blockQubits]));
        }

        return result;
    }

    private static SimGate Build(IReadOnlyList<GateOperation> gates, List<int> members, int[] qubits)
    {
        int k = qubits.Length, dim = 1 << k;
        bool diagonal = members.TrueForAll(i => gates[i].Definition.IsDiagonal);
        Span<int> positions = stackalloc int[8];
        if (diagonal)
        {
            var d = new Complex[dim];
            Array.Fill(d, Complex.One);
            foreach (int i in members)
            {
                GateOperation g = gates[i];
                Complex[] m = g.Definition.GetMatrix(g.Parameters.AsSpan());
                int gd = 1 << g.Qubits.Length;
                Span<int> pos = positions[..g.Qubits.Length];
                for (int j = 0; j < pos.Length; j++)
                {
                    pos[j] = Array.IndexOf(qubits, g.Qubits[j]);
                }

                for (int s = 0; s < dim; s++)
                {
                    int e = DenseMatrix.Extract(s, pos);
                    d[s] *= m[(e * gd) + e];
                }
            }

            return new SimGate(SimGateKind.Diagonal, [], qubits, d);
        }

        Complex[] total = DenseMatrix.Identity(k);
        foreach (int i in members)
        {
            GateOperation g = gates[i];
            Span<int> pos = positions[..g.Qubits.Length];
            for (int j = 0; j < pos.Length; j++)
            {
                pos[j] = Array.IndexOf(qubits, g.Qubits[j]);
            }

            Complex[] embedded = DenseMatrix.Embed(g.Definition.GetMatrix(g.Parameters.AsSpan()), pos, k);
            total = DenseMatrix.Multiply(embedded, total, dim);
        }

        return k == 1 ? new SimGate(SimGateKind.Controlled2x2, [], qubits, total) : new SimGate(SimGateKind.Dense, [], qubits, total);
    }

    /// <summary>
    /// Reorders gates (respecting the order of gates that share a qubit) so that gates below <paramref name="blockQubits"/>
    /// form long consecutive runs, which the kernels apply with cache blocking: a list schedule that always takes a ready
    /// low gate first, and otherwise the earliest ready gate.
    /// </summary>
    public static List<SimGate> ScheduleLowQubitsFirst(List<SimGate> gates, int blockQubits)
    {
        int count = gates.Count;
        var successors = new List<int>[count];
        var indegree = new int[count];
        var last = new Dictionary<int, int>();
        for (int i = 0; i < count; i++)
        {
            successors[i] = [];
            var preds = new HashSet<int>();
            foreach (int q in gates[i].Controls.Concat(gates[i].Targets))
            {
                if (last.TryGetValue(q, out int p))
                {
                    preds.Add(p);
                }

                last[q] = i;
            }

            foreach (int p in preds)
            {
                successors[p].Add(i);
                indegree[i]++;
            }
        }

        var low = new PriorityQueue<int, int>();
        var high = new PriorityQueue<int, int>();
        for (int i = 0; i < count; i++)
        {
            if (indegree[i] == 0)
            {
                (gates[i].MaxQubit < blockQubits ? low : high).Enqueue(i, i);
            }
        }

        var result = new List<SimGate>(count);
        while (result.Count < count)
        {
            int next = low.Count > 0 ? low.Dequeue() : high.Dequeue();
            result.Add(gates[next]);
            foreach (int s in successors[next])
            {
                if (--indegree[s] == 0)
                {
                    (gates[s].MaxQubit < blockQubits ? low : high).Enqueue(s, s);
                }
            }
        }

        return result;
    }
}
