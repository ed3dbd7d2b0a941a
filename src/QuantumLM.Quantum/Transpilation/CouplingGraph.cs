namespace QuantumLM.Quantum.Transpilation;

/// <summary>Adjacency lists and all-pairs hop distances of a target's coupling map (BFS from every qubit).</summary>
internal sealed class CouplingGraph
{
    public const int Unreachable = int.MaxValue / 4;

    public CouplingGraph(IsaTarget target)
    {
        int n = target.QubitCount;
        var adj = new List<int>[n];
        for (int i = 0; i < n; i++)
        {
            adj[i] = [];
        }

        foreach ((int a, int b) in target.Edges)
        {
            adj[a].Add(b);
            adj[b].Add(a);
        }

        Neighbors = [.. adj.Select(static l => l.Order().ToArray())];
        Distance = new int[n][];
        var queue = new Queue<int>();
        for (int s = 0; s < n; s++)
        {
            int[] d = new int[n];
            Array.Fill(d, Unreachable);
            d[s] = 0;
            queue.Enqueue(s);
            while (queue.Count > 0)
            {
                int u = queue.Dequeue();
                foreach (int v in Neighbors[u])
                {
                    if (d[v] == Unreachable)
                    {
                        d[v] = d[u] + 1;
                        queue.Enqueue(v);
                    }
                }
            }

            Distance[s] = d;
        }
    }

    public int[][] Neighbors { get; }

    public int[][] Distance { get; }

    /// <summary>Gets a shortest path from <paramref name="from"/> to <paramref name="to"/> (both included).</summary>
    public List<int> ShortestPath(int from, int to)
    {
        var path = new List<int> { from };
        int cur = from;
        while (cur != to)
        {
            int next = -1;
            foreach (int v in Neighbors[cur])
            {
                if (Distance[v][to] < Distance[cur][to])
                {
                    next = v;
                    break;
                }
            }

            if (next < 0)
            {
                throw new InvalidOperationException($"physical qubits {from} and {to} are not connected");
            }

            path.Add(next);
            cur = next;
        }

        return path;
    }
}
