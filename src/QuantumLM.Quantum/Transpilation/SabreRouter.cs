using QuantumLM.Abstractions;

namespace QuantumLM.Quantum.Transpilation;

/// <summary>
/// SWAP insertion in the style of SABRE (Li, Ding, Xie, ASPLOS 2019): execute every gate of the front layer whose
/// qubits are coupled; when none is, insert the SWAP on a front-layer qubit that most reduces the distance of the
/// front layer plus a weighted look-ahead set, with a decay that spreads SWAPs over qubits. A release valve routes the
/// oldest gate along a shortest path when the heuristic stops making progress, so routing always terminates.
/// </summary>
internal sealed class SabreRouter
{
    private readonly IsaTarget _target;
    private readonly CouplingGraph _graph;
    private readonly TranspileOptions _options;

    public SabreRouter(IsaTarget target, CouplingGraph graph, TranspileOptions options)
    {
        _target = target;
        _graph = graph;
        _options = options;
    }

    /// <summary>Routes <paramref name="ops"/> (on virtual qubits) from <paramref name="initialLayout"/> (virtual → physical).</summary>
    /// <returns>The physical operations (with SWAPs) when <paramref name="emit"/> is set, and the final layout.</returns>
    public (List<TOp> Ops, int[] FinalLayout, int Swaps) Route(IReadOnlyList<TOp> ops, int[] initialLayout, int clbitCount, bool emit)
    {
        int n = _target.QubitCount;
        int[] v2p = (int[])initialLayout.Clone();
        int[] p2v = new int[n];
        Array.Fill(p2v, -1);
        for (int v = 0; v < v2p.Length; v++)
        {
            p2v[v2p[v]] = v;
        }

        (List<int>[] successors, int[] pending) = BuildDag(ops, v2p.Length, clbitCount);
        var front = new SortedSet<int>();
        for (int i = 0; i < ops.Count; i++)
        {
            if (pending[i] == 0)
            {
                front.Add(i);
            }
        }

        var output = new List<TOp>(emit ? ops.Count + (ops.Count / 2) : 0);
        double[] decay = new double[n];
        Array.Fill(decay, 1.0);
        var random = new SeededRandom((ulong)(uint)_options.Seed);
        int swaps = 0, swapsSinceProgress = 0, swapsSinceDecayReset = 0;
        int valve = Math.Max(16, 4 * MaxFiniteDistance());
        var executable = new List<int>();
        var candidates = new List<(int, int)>();
        var extended = new List<int>();
        while (front.Count > 0)
        {
            executable.Clear();
            foreach (int i in front)
            {
                TOp op = ops[i];
                if (!op.IsTwoQubit || _target.AreCoupled(v2p[op.Qubits[0]], v2p[op.Qubits[1]]))
                {
                    executable.Add(i);
                }
            }

            if (executable.Count > 0)
            {
                foreach (int i in executable)
                {
                    front.Remove(i);
                    if (emit)
                    {
                        output.Add(ops[i].Remap(v => v2p[v]));
                    }

                    foreach (int s in successors[i])
                    {
                        if (--pending[s] == 0)
                        {
                            front.Add(s);
                        }
                    }
                }

                swapsSinceProgress = 0;
                Array.Fill(decay, 1.0);
                continue;
            }

            if (swapsSinceProgress >= valve)
            {
                // Release valve: bring the oldest blocked gate's qubits together along a shortest path.
                TOp stuck = ops[front.Min];
                List<int> path = _graph.ShortestPath(v2p[stuck.Qubits[0]], v2p[stuck.Qubits[1]]);
                for (int k = 0; k + 2 < path.Count; k++)
                {
                    ApplySwap(path[k], path[k + 1], v2p, p2v, output, emit);
                    swaps++;
                }

                swapsSinceProgress = 0;
                continue;
            }

            CollectExtended(ops, front, successors, extended);
            candidates.Clear();
            foreach (int i in front)
            {
                foreach (int vq in ops[i].Qubits)
                {
                    int p = v2p[vq];
                    foreach (int q in _graph.Neighbors[p])
                    {
                        candidates.Add(p < q ? (p, q) : (q, p));
                    }
                }
            }

            (int bestA, int bestB) = (-1, -1);
            double bestScore = double.PositiveInfinity;
            int ties = 0;
            foreach ((int a, int b) in candidates.Distinct())
            {
                double score = Score(ops, front, extended, v2p, a, b) * Math.Max(decay[a], decay[b]);
                if (score < bestScore - 1e-12)
                {
                    (bestA, bestB, bestScore, ties) = (a, b, score, 1);
                }
                else if (Math.Abs(score - bestScore) <= 1e-12 && random.NextUInt64((ulong)++ties) == 0)
                {
                    (bestA, bestB) = (a, b);
                }
            }

            ApplySwap(bestA, bestB, v2p, p2v, output, emit);
            swaps++;
            swapsSinceProgress++;
            decay[bestA] += 0.001;
            decay[bestB] += 0.001;
            if (++swapsSinceDecayReset >= 5)
            {
                swapsSinceDecayReset = 0;
                Array.Fill(decay, 1.0);
            }
        }

        return (output, v2p, swaps);
    }

    private int MaxFiniteDistance()
    {
        int max = 0;
        foreach (int[] row in _graph.Distance)
        {
            foreach (int d in row)
            {
                if (d != CouplingGraph.Unreachable && d > max)
                {
                    max = d;
                }
            }
        }

        return max;
    }

    private static void ApplySwap(int a, int b, int[] v2p, int[] p2v, List<TOp> output, bool emit)
    {
        int va = p2v[a], vb = p2v[b];
        p2v[a] = vb;
        p2v[b] = va;
        if (va >= 0)
        {
            v2p[va] = b;
        }

        if (vb >= 0)
        {
            v2p[vb] = a;
        }

        if (emit)
        {
            output.Add(TOp.Swap(a, b));
        }
    }

    private double Score(IReadOnlyList<TOp> ops, SortedSet<int> front, List<int> extended, int[] v2p, int a, int b)
    {
        int Phys(int v)
        {
            int p = v2p[v];
            return p == a ? b : p == b ? a : p;
        }

        double frontCost = 0;
        int frontCount = 0;
        foreach (int i in front)
        {
            TOp op = ops[i];
            if (op.IsTwoQubit)
            {
                frontCost += _graph.Distance[Phys(op.Qubits[0])][Phys(op.Qubits[1])];
                frontCount++;
            }
        }

        double score = frontCount == 0 ? 0 : frontCost / frontCount;
        if (extended.Count > 0)
        {
            double ext = 0;
            foreach (int i in extended)
            {
                ext += _graph.Distance[Phys(ops[i].Qubits[0])][Phys(ops[i].Qubits[1])];
            }

            score += _options.LookaheadWeight * ext / extended.Count;
        }

        return score;
    }

    private void CollectExtended(IReadOnlyList<TOp> ops, SortedSet<int> front, List<int>[] successors, List<int> extended)
    {
        extended.Clear();
        var seen = new HashSet<int>(front);
        var queue = new Queue<int>(front);
        while (queue.Count > 0 && extended.Count < _options.LookaheadSize)
        {
            int i = queue.Dequeue();
            foreach (int s in successors[i])
            {
                if (seen.Add(s))
                {
                    if (ops[s].IsTwoQubit)
                    {
                        extended.Add(s);
                        if (extended.Count >= _options.LookaheadSize)
                        {
                            break;
                        }
                    }

                    queue.Enqueue(s);
                }
            }
        }
    }

    /// <summary>Dependencies along every qubit wire and classical-bit wire.</summary>
    private static (List<int>[] Successors, int[] Pending) BuildDag(IReadOnlyList<TOp> ops, int qubitCount, int clbitCount)
    {
        var successors = new List<int>[ops.Count];
        int[] pending = new int[ops.Count];
        int[] last = new int[qubitCount + clbitCount];
        Array.Fill(last, -1);
        var wires = new List<int>();
        for (int i = 0; i < ops.Count; i++)
        {
            successors[i] = [];
            wires.Clear();
            Wires(ops[i], qubitCount, wires);
            foreach (int w in wires.Distinct())
            {
                int prev = last[w];
                if (prev >= 0 && !successors[prev].Contains(i))
                {
                    successors[prev].Add(i);
                    pending[i]++;
                }

                last[w] = i;
            }
        }

        return (successors, pending);
    }

    private static void Wires(TOp op, int qubitCount, List<int> wires)
    {
        wires.AddRange(op.Qubits);
        switch (op.Kind)
        {
            case TOpKind.Measure:
                wires.Add(qubitCount + op.Clbit);
                break;
            case TOpKind.Conditional:
                wires.AddRange(op.Condition!.Clbits.Select(c => qubitCount + c));
                foreach (TOp inner in op.Then!.Concat(op.Else!))
                {
                    if (inner.Kind == TOpKind.Measure)
                    {
                        wires.Add(qubitCount + inner.Clbit);
                    }
                }

                break;
        }
    }
}
