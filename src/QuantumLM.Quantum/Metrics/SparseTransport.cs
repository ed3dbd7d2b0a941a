namespace QuantumLM.Quantum.Metrics;

/// <summary>
/// Integer min-cost flow on a sparse bipartite transport graph (sources → sinks, uncapacitated arcs, integer costs),
/// by the primal–dual method: a Dijkstra over reduced costs (with Johnson potentials, stopped when the super sink is
/// settled) followed by a Dinic blocking flow over the zero-reduced-cost arcs. Each phase strictly raises the
/// shortest augmenting-path cost, so the number of phases is bounded by the number of distinct path costs, not by
/// the supplies (which may be as large as N·M). On return, <see cref="Potential"/> is an optimal dual: every residual
/// arc has a non-negative reduced cost.
/// </summary>
internal sealed class SparseTransport
{
    private const long Infinite = long.MaxValue / 4;

    private readonly int _m;
    private readonly int _k;
    private readonly int _nodes;
    private readonly int _source;
    private readonly int _sink;
    private readonly int[] _head;
    private readonly int[] _to;
    private readonly int[] _rev;
    private readonly long[] _cap;
    private readonly long[] _cost;
    private readonly long[] _pot;
    private readonly long _total;

    /// <summary>Builds the graph.</summary>
    /// <param name="m">Number of sources.</param>
    /// <param name="k">Number of sinks.</param>
    /// <param name="arcs">Arcs as <c>x·k + y</c>, sorted and distinct.</param>
    /// <param name="arcCost">The cost of each arc.</param>
    /// <param name="supply">Supply of each source.</param>
    /// <param name="demand">Demand of each sink (same total as the supplies).</param>
    public SparseTransport(int m, int k, ReadOnlySpan<long> arcs, ReadOnlySpan<int> arcCost, ReadOnlySpan<long> supply, ReadOnlySpan<long> demand)
    {
        _m = m;
        _k = k;
        _nodes = m + k + 2;
        _source = m + k;
        _sink = m + k + 1;
        int arcCount = m + k + arcs.Length;
        _head = new int[_nodes + 1];
        _to = new int[2 * arcCount];
        _rev = new int[2 * arcCount];
        _cap = new long[2 * arcCount];
        _cost = new long[2 * arcCount];
        _pot = new long[_nodes];
        _arcEdge = new int[arcs.Length];

        // Degrees, then CSR offsets.
        int[] degree = new int[_nodes];
        degree[_source] = m;
        degree[_sink] = k;
        for (int x = 0; x < m; x++)
        {
            degree[x]++;
        }

        for (int y = 0; y < k; y++)
        {
            degree[m + y]++;
        }

        foreach (long a in arcs)
        {
            degree[(int)(a / k)]++;
            degree[m + (int)(a % k)]++;
        }

        for (int v = 0; v < _nodes; v++)
        {
            _head[v + 1] = _head[v] + degree[v];
        }

        int[] pos = new int[_nodes];
        Array.Copy(_head, pos, _nodes);
        long total = 0;
        for (int x = 0; x < m; x++)
        {
            AddArc(pos, _source, x, supply[x], 0);
            total += supply[x];
        }

        for (int i = 0; i < arcs.Length; i++)
        {
            _arcEdge[i] = AddArc(pos, (int)(arcs[i] / k), m + (int)(arcs[i] % k), Infinite, arcCost[i]);
        }

        for (int y = 0; y < k; y++)
        {
            AddArc(pos, m + y, _sink, demand[y], 0);
        }

        _total = total;
    }

    private readonly int[] _arcEdge;

    /// <summary>Gets the number of primal–dual phases the last <see cref="Solve"/> ran.</summary>
    public int Phases { get; private set; }

    /// <summary>Gets the number of Dinic level graphs the last <see cref="Solve"/> built.</summary>
    public int LevelGraphs { get; private set; }

    /// <summary>Gets the potential of source <c>x</c> (index x) or sink <c>y</c> (index m + y).</summary>
    public long Potential(int node) => _pot[node];

    /// <summary>Ships every unit of supply at minimum cost.</summary>
    /// <returns>The minimum total cost Σ flow·cost.</returns>
    /// <exception cref="InvalidOperationException">The arcs cannot carry the supplies (the caller guarantees they can).</exception>
    public Int128 Solve(CancellationToken cancellationToken)
    {
        long flow = 0;
        long[] dist = new long[_nodes];
        bool[] settled = new bool[_nodes];
        int[] level = new int[_nodes];
        int[] current = new int[_nodes];
        int[] queue = new int[_nodes];
        int[] path = new int[_nodes];
        var heap = new MinHeap(_nodes);
        while (flow < _total)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Phases++;
            long reach = Dijkstra(dist, settled, heap);
            if (reach >= Infinite)
            {
                throw new InvalidOperationException("transport graph cannot carry the supplies");
            }

            for (int v = 0; v < _nodes; v++)
            {
                _pot[v] += settled[v] ? dist[v] : reach;
                settled[v] = false;
            }

            long pushed = 0;
            while (LevelGraph(level, queue))
            {
                LevelGraphs++;
                Array.Copy(_head, current, _nodes);
                pushed += BlockingFlow(level, current, path);
            }

            if (pushed == 0)
            {
                throw new InvalidOperationException("primal-dual phase made no progress");
            }

            flow += pushed;
        }

        Int128 cost = 0;
        for (int x = 0; x < _m; x++)
        {
            for (int e = _head[x]; e < _head[x + 1]; e++)
            {
                if (_cost[e] > 0 && _to[e] != _source)
                {
                    long f = _cap[_rev[e]];
                    if (f > 0)
                    {
                        cost += (Int128)f * _cost[e];
                    }
                }
            }
        }

        return cost;
    }

    /// <summary>Enumerates the flow on every source → sink arc (for tests).</summary>
    public IEnumerable<(int X, int Y, long Flow)> Flows()
    {
        for (int x = 0; x < _m; x++)
        {
            for (int e = _head[x]; e < _head[x + 1]; e++)
            {
                int v = _to[e];
                if (v >= _m && v < _m + _k && _cap[_rev[e]] > 0)
                {
                    yield return (x, v - _m, _cap[_rev[e]]);
                }
            }
        }
    }

    /// <summary>Gets the flow on arc i of the arc list given to the constructor.</summary>
    public long ArcFlow(int i) => _cap[_rev[_arcEdge[i]]];

    /// <summary>Gets a copy of the potentials (length m + k + 2; the super source is m + k, the super sink m + k + 1).</summary>
    public long[] Potentials() => (long[])_pot.Clone();

    private int AddArc(int[] pos, int u, int v, long capacity, long cost)
    {
        int a = pos[u]++;
        int b = pos[v]++;
        _to[a] = v;
        _cap[a] = capacity;
        _cost[a] = cost;
        _rev[a] = b;
        _to[b] = u;
        _cap[b] = 0;
        _cost[b] = -cost;
        _rev[b] = a;
        return a;
    }

    private long Dijkstra(long[] dist, bool[] settled, MinHeap heap)
    {
        Array.Fill(dist, Infinite);
        dist[_source] = 0;
        heap.Clear();
        heap.Push(0, _source);
        while (heap.Count > 0)
        {
            var (d, u) = heap.Pop();
            if (settled[u] || d > dist[u])
            {
                continue;
            }

            settled[u] = true;
            if (u == _sink)
            {
                return d;
            }

            long pu = _pot[u] + d;
            for (int e = _head[u], end = _head[u + 1]; e < end; e++)
            {
                if (_cap[e] <= 0)
                {
                    continue;
                }

                int v = _to[e];
                if (settled[v])
                {
                    continue;
                }

                long nd = pu + _cost[e] - _pot[v];
                if (nd < dist[v])
                {
                    dist[v] = nd;
                    heap.Push(nd, v);
                }
            }
        }

        return Infinite;
    }

    private bool LevelGraph(int[] level, int[] queue)
    {
        Array.Fill(level, -1);
        level[_source] = 0;
        int qh = 0, qt = 0;
        queue[qt++] = _source;
        while (qh < qt)
        {
            int u = queue[qh++];
            long pu = _pot[u];
            for (int e = _head[u], end = _head[u + 1]; e < end; e++)
            {
                int v = _to[e];
                if (level[v] < 0 && _cap[e] > 0 && _cost[e] + pu - _pot[v] == 0)
                {
                    level[v] = level[u] + 1;
                    queue[qt++] = v;
                }
            }
        }

        return level[_sink] >= 0;
    }

    private long BlockingFlow(int[] level, int[] current, int[] path)
    {
        long pushed = 0;
        int depth = 0;
        int u = _source;
        while (true)
        {
            if (u == _sink)
            {
                long f = Infinite;
                for (int i = 0; i < depth; i++)
                {
                    f = Math.Min(f, _cap[path[i]]);
                }

                int firstSaturated = -1;
                for (int i = 0; i < depth; i++)
                {
                    int e = path[i];
                    _cap[e] -= f;
                    _cap[_rev[e]] += f;
                    if (firstSaturated < 0 && _cap[e] == 0)
                    {
                        firstSaturated = i;
                    }
                }

                pushed += f;
                depth = firstSaturated;
                u = depth == 0 ? _source : _to[path[depth - 1]];
                continue;
            }

            bool advanced = false;
            int end = _head[u + 1];
            long pu = _pot[u];
            int next = level[u] + 1;
            for (; current[u] < end; current[u]++)
            {
                int e = current[u];
                int v = _to[e];
                if (level[v] == next && _cap[e] > 0 && _cost[e] + pu - _pot[v] == 0)
                {
                    path[depth++] = e;
                    u = v;
                    advanced = true;
                    break;
                }
            }

            if (!advanced)
            {
                if (u == _source)
                {
                    return pushed;
                }

                level[u] = -1;
                depth--;
                u = _to[_rev[path[depth]]];
                current[u]++;
            }
        }
    }

    /// <summary>A binary min-heap of (key, node) with lazy deletion.</summary>
    private sealed class MinHeap(int capacity)
    {
        private long[] _keys = new long[Math.Max(16, capacity)];
        private int[] _nodes = new int[Math.Max(16, capacity)];

        public int Count { get; private set; }

        public void Clear() => Count = 0;

        public void Push(long key, int node)
        {
            if (Count == _keys.Length)
            {
                Array.Resize(ref _keys, 2 * Count);
                Array.Resize(ref _nodes, 2 * Count);
            }

            int i = Count++;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (_keys[parent] <= key)
                {
                    break;
                }

                _keys[i] = _keys[parent];
                _nodes[i] = _nodes[parent];
                i = parent;
            }

            _keys[i] = key;
            _nodes[i] = node;
        }

        public (long Key, int Node) Pop()
        {
            long topKey = _keys[0];
            int topNode = _nodes[0];
            int n = --Count;
            long key = _keys[n];
            int node = _nodes[n];
            int i = 0;
            while (true)
            {
                int c = (2 * i) + 1;
                if (c >= n)
                {
                    break;
                }

                if (c + 1 < n && _keys[c + 1] < _keys[c])
                {
                    c++;
                }

                if (_keys[c] >= key)
                {
                    break;
                }

                _keys[i] = _keys[c];
                _nodes[i] = _nodes[c];
                i = c;
            }

            _keys[i] = key;
            _nodes[i] = node;
            return (topKey, topNode);
        }
    }
}
