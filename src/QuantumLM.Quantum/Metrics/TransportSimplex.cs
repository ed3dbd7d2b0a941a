namespace QuantumLM.Quantum.Metrics;

/// <summary>
/// Primal network simplex for an uncapacitated transportation problem (sources 0..m−1 with supplies, sinks
/// m..m+k−1 with demands, integer arc costs), started from the Big-M basis of artificial root arcs. Entering arcs are
/// chosen by block search; the leaving arc by the last-blocking-arc rule on the cycle (strongly feasible trees).
/// Arcs can be added between solves, which keeps the current basis: this is what makes column generation cheap.
/// Potentials follow the convention reduced cost = cost + π(from) − π(to), zero on tree arcs.
/// </summary>
internal sealed class TransportSimplex
{
    private readonly int _m;
    private readonly int _k;
    private readonly int _root;
    private readonly int _artificialCount;
    private readonly int[] _parent;
    private readonly int[] _parentArc;
    private readonly int[] _depth;
    private readonly int[] _firstChild;
    private readonly int[] _nextSibling;
    private readonly int[] _prevSibling;
    private readonly long[] _pot;
    private readonly int[] _stack;

    private int[] _from;
    private int[] _to;
    private long[] _cost;
    private long[] _flow;
    private bool[] _inTree;
    private int _arcCount;
    private int _nextArc;

    public TransportSimplex(int m, int k, ReadOnlySpan<long> supply, ReadOnlySpan<long> demand, long maxCost)
    {
        _m = m;
        _k = k;
        int nodes = m + k + 1;
        _root = m + k;
        _artificialCount = m + k;
        _parent = new int[nodes];
        _parentArc = new int[nodes];
        _depth = new int[nodes];
        _firstChild = new int[nodes];
        _nextSibling = new int[nodes];
        _prevSibling = new int[nodes];
        _pot = new long[nodes];
        _stack = new int[nodes];
        Array.Fill(_firstChild, -1);
        Array.Fill(_nextSibling, -1);
        Array.Fill(_prevSibling, -1);
        int capacity = Math.Max(16, 4 * (m + k));
        _from = new int[capacity];
        _to = new int[capacity];
        _cost = new long[capacity];
        _flow = new long[capacity];
        _inTree = new bool[capacity];

        // Big-M exceeds the cost of any simple path of real arcs.
        long big = checked((maxCost + 1) * (m + k + 1));
        _parent[_root] = -1;
        _parentArc[_root] = -1;
        for (int v = 0; v < m + k; v++)
        {
            bool isSource = v < m;
            int a = _arcCount++;
            _from[a] = isSource ? v : _root;
            _to[a] = isSource ? _root : v;
            _cost[a] = big;
            _flow[a] = isSource ? supply[v] : demand[v - m];
            _inTree[a] = true;
            _parent[v] = _root;
            _parentArc[v] = a;
            _depth[v] = 1;
            _pot[v] = isSource ? -big : big;
            AddChild(_root, v);
        }
    }

    /// <summary>Gets the time spent choosing entering arcs, in stopwatch ticks.</summary>
    public long PricingTicks { get; private set; }

    /// <summary>Gets the time spent in pivots (cycle, flow and tree updates), in stopwatch ticks.</summary>
    public long PivotTicks { get; private set; }

    /// <summary>Gets the total number of nodes re-hung in subtree updates.</summary>
    public long MovedNodes { get; private set; }

    /// <summary>Gets the total length of the pivot cycles.</summary>
    public long CycleLength { get; private set; }

    /// <summary>Gets the number of pivots so far.</summary>
    public long Pivots { get; private set; }

    /// <summary>Gets the number of real (non-artificial) arcs.</summary>
    public int RealArcs => _arcCount - _artificialCount;

    /// <summary>Gets the potential of source x (node x) or sink y (node m + y).</summary>
    public long Potential(int node) => _pot[node];

    /// <summary>Adds an arc x → y (non-basic, no flow).</summary>
    public void AddArc(int x, int y, long cost)
    {
        if (_arcCount == _from.Length)
        {
            int size = 2 * _from.Length;
            Array.Resize(ref _from, size);
            Array.Resize(ref _to, size);
            Array.Resize(ref _cost, size);
            Array.Resize(ref _flow, size);
            Array.Resize(ref _inTree, size);
        }

        int a = _arcCount++;
        _from[a] = x;
        _to[a] = _m + y;
        _cost[a] = cost;
    }

    /// <summary>Pivots until no arc has a negative reduced cost.</summary>
    /// <returns>Σ flow·cost over the real arcs.</returns>
    /// <exception cref="InvalidOperationException">An artificial arc still carries flow (the real arcs cannot carry the supplies).</exception>
    public Int128 Solve(CancellationToken cancellationToken)
    {
        int block = Math.Max(64, (int)Math.Sqrt(_arcCount));
        while (true)
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            int entering = FindEntering(block);
            long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            PricingTicks += t1 - t0;
            if (entering < 0)
            {
                break;
            }

            Pivot(entering);
            PivotTicks += System.Diagnostics.Stopwatch.GetTimestamp() - t1;
            if ((++Pivots & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        for (int a = 0; a < _artificialCount; a++)
        {
            if (_flow[a] != 0)
            {
                throw new InvalidOperationException("the arcs cannot carry the supplies");
            }
        }

        Int128 total = 0;
        for (int a = _artificialCount; a < _arcCount; a++)
        {
            if (_flow[a] != 0)
            {
                total += (Int128)_flow[a] * _cost[a];
            }
        }

        return total;
    }

    private int FindEntering(int block)
    {
        int count = _arcCount;
        int best = -1;
        long bestRc = 0;
        int scanned = 0;
        int a = _nextArc < count ? _nextArc : 0;
        int inBlock = 0;
        while (scanned < count)
        {
            if (!_inTree[a])
            {
                long rc = _cost[a] + _pot[_from[a]] - _pot[_to[a]];
                if (rc < bestRc)
                {
                    bestRc = rc;
                    best = a;
                }
            }

            scanned++;
            if (++a == count)
            {
                a = 0;
            }

            if (++inBlock == block)
            {
                if (best >= 0)
                {
                    break;
                }

                inBlock = 0;
            }
        }

        _nextArc = a;
        return best;
    }

    private void Pivot(int e)
    {
        int u = _from[e], v = _to[e];
        long rc = _cost[e] + _pot[u] - _pot[v];

        // Join node.
        int a = u, b = v;
        while (a != b)
        {
            if (_depth[a] > _depth[b])
            {
                a = _parent[a];
            }
            else if (_depth[b] > _depth[a])
            {
                b = _parent[b];
            }
            else
            {
                a = _parent[a];
                b = _parent[b];
            }
        }

        int join = a;
        CycleLength += _depth[u] + _depth[v] - (2 * _depth[join]) + 1;

        // Cycle orientation: u → v (entering), v up to join, join down to u. Backward arcs bound the step.
        long delta = long.MaxValue;
        int leaving = -1; // the child node of the leaving tree arc
        bool onV = false;
        for (int w = v; w != join; w = _parent[w])
        {
            int pa = _parentArc[w];
            if (_to[pa] == w && _flow[pa] <= delta)
            {
                delta = _flow[pa];
                leaving = w;
                onV = true;
            }
        }

        for (int w = u; w != join; w = _parent[w])
        {
            int pa = _parentArc[w];
            if (_from[pa] == w && _flow[pa] < delta)
            {
                delta = _flow[pa];
                leaving = w;
                onV = false;
            }
        }

        if (leaving < 0)
        {
            throw new InvalidOperationException("unbounded pivot");
        }

        if (delta > 0)
        {
            _flow[e] += delta;
            for (int w = v; w != join; w = _parent[w])
            {
                int pa = _parentArc[w];
                _flow[pa] += _to[pa] == w ? -delta : delta;
            }

            for (int w = u; w != join; w = _parent[w])
            {
                int pa = _parentArc[w];
                _flow[pa] += _from[pa] == w ? -delta : delta;
            }
        }

        // Re-hang the subtree cut off by the leaving arc from the entering arc.
        int inside = onV ? v : u;
        int outside = onV ? u : v;
        _inTree[_parentArc[leaving]] = false;
        _inTree[e] = true;
        int prevNode = outside;
        int prevArc = e;
        int node = inside;
        while (true)
        {
            int oldParent = _parent[node];
            int oldArc = _parentArc[node];
            RemoveChild(oldParent, node);
            _parent[node] = prevNode;
            _parentArc[node] = prevArc;
            AddChild(prevNode, node);
            if (node == leaving)
            {
                break;
            }

            prevNode = node;
            prevArc = oldArc;
            node = oldParent;
        }

        // The moved subtree's potentials shift so that the entering arc has reduced cost 0; depths are recomputed.
        long shift = onV ? rc : -rc;
        int top = 0;
        _stack[top++] = inside;
        while (top > 0)
        {
            int x = _stack[--top];
            MovedNodes++;
            _pot[x] += shift;
            _depth[x] = _depth[_parent[x]] + 1;
            for (int c = _firstChild[x]; c >= 0; c = _nextSibling[c])
            {
                _stack[top++] = c;
            }
        }
    }

    private void AddChild(int parent, int child)
    {
        int first = _firstChild[parent];
        _nextSibling[child] = first;
        _prevSibling[child] = -1;
        if (first >= 0)
        {
            _prevSibling[first] = child;
        }

        _firstChild[parent] = child;
    }

    private void RemoveChild(int parent, int child)
    {
        int prev = _prevSibling[child], next = _nextSibling[child];
        if (prev >= 0)
        {
            _nextSibling[prev] = next;
        }
        else
        {
            _firstChild[parent] = next;
        }

        if (next >= 0)
        {
            _prevSibling[next] = prev;
        }

        _prevSibling[child] = -1;
        _nextSibling[child] = -1;
    }
}
