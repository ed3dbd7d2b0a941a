namespace QuantumLM.Quantum.Transpilation;

/// <summary>
/// Chooses where the circuit's qubits start: the connected set of physical qubits with the lowest calibrated cost
/// (readout error plus the errors of the pairs that join it), grown greedily from every start qubit; inside the set,
/// strongly interacting qubits are placed close together.
/// </summary>
internal static class InitialLayout
{
    public static int[] Choose(IsaTarget target, CouplingGraph graph, int virtualCount, IReadOnlyList<TOp> ops)
    {
        int[] region = ChooseRegion(target, graph, virtualCount);
        return Assign(target, graph, region, virtualCount, ops);
    }

    private static int[] ChooseRegion(IsaTarget target, CouplingGraph graph, int size)
    {
        int[]? best = null;
        double bestScore = double.PositiveInfinity;
        var inSet = new bool[target.QubitCount];
        for (int start = 0; start < target.QubitCount; start++)
        {
            Array.Clear(inSet);
            var set = new List<int>(size) { start };
            inSet[start] = true;
            double score = target.QubitErrors[start];
            while (set.Count < size)
            {
                int pick = -1;
                double pickCost = double.PositiveInfinity;
                foreach (int u in set)
                {
                    foreach (int v in graph.Neighbors[u])
                    {
                        if (inSet[v])
                        {
                            continue;
                        }

                        double cost = target.QubitErrors[v] + target.EdgeError(u, v);
                        if (cost < pickCost || (cost == pickCost && v < pick))
                        {
                            pick = v;
                            pickCost = cost;
                        }
                    }
                }

                if (pick < 0)
                {
                    break; // this component is too small
                }

                set.Add(pick);
                inSet[pick] = true;
                score += pickCost;
            }

            if (set.Count == size && score < bestScore)
            {
                best = [.. set];
                bestScore = score;
            }
        }

        return best ?? throw new NotSupportedException(
            $"the circuit needs {size} connected qubits but {target.Name} has no connected set of that size");
    }

    private static int[] Assign(IsaTarget target, CouplingGraph graph, int[] region, int n, IReadOnlyList<TOp> ops)
    {
        var weight = new int[n, n];
        var total = new int[n];
        foreach (TOp op in ops)
        {
            if (op.IsTwoQubit)
            {
                int a = op.Qubits[0], b = op.Qubits[1];
                weight[a, b]++;
                weight[b, a]++;
                total[a]++;
                total[b]++;
            }
        }

        var layout = new int[n];
        Array.Fill(layout, -1);
        var free = new List<int>(region);
        var placed = new List<int>(n);
        for (int step = 0; step < n; step++)
        {
            // Next virtual qubit: the one most connected to those placed, then the busiest, then the lowest index.
            int v = -1;
            long vKey = long.MinValue;
            for (int c = 0; c < n; c++)
            {
                if (layout[c] >= 0)
                {
                    continue;
                }

                long toPlaced = 0;
                foreach (int u in placed)
                {
                    toPlaced += weight[c, u];
                }

                long key = (toPlaced << 32) + total[c];
                if (key > vKey)
                {
                    v = c;
                    vKey = key;
                }
            }

            int bestP = -1;
            double bestCost = double.PositiveInfinity;
            foreach (int p in free)
            {
                double cost = 0;
                foreach (int u in placed)
                {
                    cost += weight[v, u] * (double)graph.Distance[p][layout[u]];
                }

                if (placed.Count == 0)
                {
                    // The first qubit goes where the region is best connected.
                    cost = -graph.Neighbors[p].Count(q => Array.IndexOf(region, q) >= 0);
                }

                cost += target.QubitErrors[p] * 1e-3;
                if (cost < bestCost)
                {
                    bestP = p;
                    bestCost = cost;
                }
            }

            layout[v] = bestP;
            free.Remove(bestP);
            placed.Add(v);
        }

        return layout;
    }
}
