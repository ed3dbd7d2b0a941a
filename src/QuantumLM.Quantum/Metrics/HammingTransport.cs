using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QuantumLM.Quantum.Metrics;

/// <summary>
/// Exact optimal transport between two integer-weighted sets of bitstrings under the cost d_H(x, y)² (squared Hamming
/// distance), without materialising the |X|×|Y| cost matrix.
/// </summary>
/// <remarks>
/// <para>Column generation over a sparse arc set, which is exact by LP duality:</para>
/// <list type="number">
/// <item>Start with the arcs of a feasible north-west-corner plan plus, for every key on either side, its nearest
/// keys on the other side.</item>
/// <item>Solve the sparse problem exactly (<see cref="SparseTransport"/>, integer primal–dual).</item>
/// <item>Price every pair (x, y) against the optimal potentials π: a pair with d_H(x,y)² + π(x) − π(y) &lt; 0 violates
/// dual feasibility. The pricing pass recomputes costs with popcount (an AVX-512 nibble-table popcount, eight pairs
/// per instruction group, where available) and is split across cores.</item>
/// <item>No violation: the sparse optimum is optimal for the full problem (primal feasible, dual feasible,
/// complementary slack). Otherwise add the most violated pairs of each row and repeat.</item>
/// </list>
/// <para>Memory is O(|X| + |Y| + arcs); costs are recomputed, never stored as a matrix.</para>
/// </remarks>
internal static class HammingTransport
{
    /// <summary>Below this many pairs every pair is an arc and one solve suffices.</summary>
    internal const long DenseLimit = 1 << 16;

    internal static int NearestPerKey = int.Parse(Environment.GetEnvironmentVariable("QLM_NN") ?? "6", System.Globalization.CultureInfo.InvariantCulture);
    internal static int ViolationsPerRow = int.Parse(Environment.GetEnvironmentVariable("QLM_VR") ?? "6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Statistics of the last solve on this thread (for tests and benchmarks).</summary>
    [ThreadStatic]
    private static SolveStatistics? t_last;

    /// <summary>Gets the statistics of the last solve on this thread.</summary>
    internal static SolveStatistics? LastStatistics => t_last;

    /// <summary>Returns min Σ f(x,y)·d_H(x,y)² over integer plans with the given supplies and demands (equal totals, all positive).</summary>
    public static Int128 MinimumCost(PackedKeys sources, ReadOnlySpan<long> supply, PackedKeys sinks, ReadOnlySpan<long> demand, CancellationToken cancellationToken = default)
    {
        int m = sources.Count, k = sinks.Count;
        if (m == 0 || k == 0)
        {
            return 0;
        }

        long setupStart = System.Diagnostics.Stopwatch.GetTimestamp();
        var stats = new SolveStatistics();
        t_last = stats;
        var arcs = new List<long>();
        bool dense = (long)m * k <= DenseLimit;
        if (dense)
        {
            for (long a = 0; a < (long)m * k; a++)
            {
                arcs.Add(a);
            }
        }
        else
        {
            NorthWestCorner(supply, demand, k, arcs);
            Nearest(sources, sinks, transpose: false, arcs);
            Nearest(sinks, sources, transpose: true, arcs);
        }

        long[] arcArray = SortDistinct(arcs);
        stats.SetupTicks = System.Diagnostics.Stopwatch.GetTimestamp() - setupStart;
        long[]? arcFlow = null;
        long[]? potentials = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stats.Rounds++;
            stats.Arcs = arcArray.Length;
            int[] costs = new int[arcArray.Length];
            for (int i = 0; i < arcArray.Length; i++)
            {
                int d = sources.Distance((int)(arcArray[i] / k), sinks, (int)(arcArray[i] % k));
                costs[i] = d * d;
            }

            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            var solver = new SparseTransport(m, k, arcArray, costs, supply, demand, arcFlow, potentials);
            Int128 cost = solver.Solve(cancellationToken);
            stats.SolveTicks += System.Diagnostics.Stopwatch.GetTimestamp() - t0;
            stats.Phases += solver.Phases;
            stats.LevelGraphs += solver.LevelGraphs;
            if (dense)
            {
                return cost;
            }

            long[] pot = solver.Potentials();
            long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            List<long> violations = Price(sources, sinks, pot.AsSpan(0, m).ToArray(), pot.AsSpan(m, k).ToArray(), cancellationToken);
            stats.PriceTicks += System.Diagnostics.Stopwatch.GetTimestamp() - t1;
            stats.Violations += violations.Count;
            if (violations.Count == 0)
            {
                return cost;
            }

            // Warm start for the next round: keep the flow except out of the sources that have violating pairs
            // (their flow goes back to the super source), raise those sources' potentials until every arc out of
            // them has a non-negative reduced cost, and move the terminals' potentials so their open arcs do too.
            bool[] reset = new bool[m];
            foreach (long a in violations)
            {
                int x = (int)(a / k);
                int y = (int)(a % k);
                reset[x] = true;
                int d = sources.Distance(x, sinks, y);
                pot[x] = Math.Max(pot[x], pot[m + y] - (d * d));
            }

            violations.AddRange(arcArray);
            long[] next = SortDistinct(violations);
            long[] nextFlow = new long[next.Length];
            for (int i = 0, j = 0; i < next.Length; i++)
            {
                while (j < arcArray.Length && arcArray[j] < next[i])
                {
                    j++;
                }

                if (j < arcArray.Length && arcArray[j] == next[i] && !reset[(int)(next[i] / k)])
                {
                    nextFlow[i] = solver.ArcFlow(j);
                }
            }

            long maxX = long.MinValue, minY = long.MaxValue;
            for (int x = 0; x < m; x++)
            {
                maxX = Math.Max(maxX, pot[x]);
            }

            for (int y = 0; y < k; y++)
            {
                minY = Math.Min(minY, pot[m + y]);
            }

            pot[m + k] = maxX;
            pot[m + k + 1] = minY;
            arcArray = next;
            arcFlow = nextFlow;
            potentials = pot;
        }
    }

    /// <summary>A feasible plan on keys in their given order; its arcs guarantee that the sparse problem is feasible.</summary>
    private static void NorthWestCorner(ReadOnlySpan<long> supply, ReadOnlySpan<long> demand, int k, List<long> arcs)
    {
        int i = 0, j = 0;
        long a = supply[0], b = demand[0];
        while (i < supply.Length && j < demand.Length)
        {
            arcs.Add(((long)i * k) + j);
            long f = Math.Min(a, b);
            a -= f;
            b -= f;
            if (a == 0 && ++i < supply.Length)
            {
                a = supply[i];
            }

            if (b == 0 && ++j < demand.Length)
            {
                b = demand[j];
            }
        }
    }

    /// <summary>For every key of <paramref name="rows"/>, arcs to up to <see cref="NearestPerKey"/> keys of <paramref name="columns"/> at distance ≤ the row's minimum + 1.</summary>
    private static void Nearest(PackedKeys rows, PackedKeys columns, bool transpose, List<long> arcs)
    {
        int rowsCount = rows.Count, cols = columns.Count;
        int kSinks = transpose ? rowsCount : cols;
        var bag = new List<long>[Environment.ProcessorCount];
        Parallel.For(
            0,
            bag.Length,
            new ParallelOptions { MaxDegreeOfParallelism = bag.Length },
            worker =>
            {
                var local = new List<long>();
                byte[] dist = new byte[cols];
                for (int r = worker; r < rowsCount; r += bag.Length)
                {
                    Distances(rows, r, columns, dist);
                    ReadOnlySpan<byte> span = dist;
                    byte min = System.Numerics.Tensors.TensorPrimitives.Min<byte>(span);
                    byte limit = (byte)Math.Min(255, min + 1);
                    int taken = 0;
                    int offset = 0;
                    while (taken < NearestPerKey)
                    {
                        int idx = span[offset..].IndexOfAnyInRange((byte)0, limit);
                        if (idx < 0)
                        {
                            break;
                        }

                        int c = offset + idx;
                        local.Add(transpose ? ((long)c * kSinks) + r : ((long)r * kSinks) + c);
                        taken++;
                        offset = c + 1;
                    }
                }

                bag[worker] = local;
            });
        foreach (var local in bag)
        {
            arcs.AddRange(local);
        }
    }

    /// <summary>Writes d_H(rows[r], columns[c]) for every c (distances above 255 are written as 255).</summary>
    private static void Distances(PackedKeys rows, int r, PackedKeys columns, Span<byte> dist)
    {
        int n = columns.Count;
        if (rows.LimbCount == 1)
        {
            ulong key = rows.Limb(0)[r];
            ulong[] col = columns.Limb(0);
            for (int c = 0; c < n; c++)
            {
                dist[c] = (byte)BitOperations.PopCount(key ^ col[c]);
            }

            return;
        }

        for (int c = 0; c < n; c++)
        {
            dist[c] = (byte)Math.Min(255, rows.Distance(r, columns, c));
        }
    }

    /// <summary>Finds, per source, the most violated pairs: d² + π(x) − π(y) &lt; 0.</summary>
    private static List<long> Price(PackedKeys sources, PackedKeys sinks, long[] potX, long[] potY, CancellationToken cancellationToken)
    {
        int m = sources.Count, k = sinks.Count;
        int workers = Environment.ProcessorCount;
        var bag = new List<long>[workers];
        Parallel.For(
            0,
            workers,
            new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken },
            worker =>
            {
                var local = new List<long>();
                var row = new List<(long Amount, int Y)>();
                for (int x = worker; x < m; x += workers)
                {
                    row.Clear();
                    if (sources.LimbCount == 1 && Avx512BW.IsSupported && k >= 8)
                    {
                        PriceRowAvx512(sources.Limb(0)[x], potX[x], sinks.Limb(0), potY, row);
                    }
                    else
                    {
                        PriceRowScalar(sources, x, potX[x], sinks, potY, row);
                    }

                    if (row.Count > ViolationsPerRow)
                    {
                        row.Sort(static (a, b) => a.Amount != b.Amount ? b.Amount.CompareTo(a.Amount) : a.Y.CompareTo(b.Y));
                        row.RemoveRange(ViolationsPerRow, row.Count - ViolationsPerRow);
                    }

                    foreach (var (_, y) in row)
                    {
                        local.Add(((long)x * k) + y);
                    }
                }

                bag[worker] = local;
            });
        var all = new List<long>();
        foreach (var local in bag)
        {
            all.AddRange(local);
        }

        return all;
    }

    private static void PriceRowScalar(PackedKeys sources, int x, long px, PackedKeys sinks, long[] potY, List<(long, int)> row)
    {
        int k = sinks.Count;
        if (sources.LimbCount == 1)
        {
            ulong key = sources.Limb(0)[x];
            ulong[] col = sinks.Limb(0);
            for (int y = 0; y < k; y++)
            {
                long slack = potY[y] - px;
                if (slack > 0)
                {
                    long d = BitOperations.PopCount(key ^ col[y]);
                    if (d * d < slack)
                    {
                        row.Add((slack - (d * d), y));
                    }
                }
            }

            return;
        }

        for (int y = 0; y < k; y++)
        {
            long slack = potY[y] - px;
            if (slack > 0)
            {
                long d = sources.Distance(x, sinks, y);
                if (d * d < slack)
                {
                    row.Add((slack - (d * d), y));
                }
            }
        }
    }

    private static void PriceRowAvx512(ulong key, long px, ulong[] col, long[] potY, List<(long, int)> row)
    {
        int k = col.Length;
        int done = k - (k % 8);
        Vector512<ulong> kx = Vector512.Create(key);
        Vector512<long> pxv = Vector512.Create(px);
        ref ulong c0 = ref MemoryMarshal.GetArrayDataReference(col);
        ref long p0 = ref MemoryMarshal.GetArrayDataReference(potY);
        for (int y = 0; y < done; y += 8)
        {
            Vector512<long> slack = Vector512.LoadUnsafe(ref p0, (nuint)y) - pxv;
            Vector512<long> d = PopCount(Vector512.LoadUnsafe(ref c0, (nuint)y) ^ kx).AsInt64();
            ulong mask = Vector512.GreaterThan(slack, d * d).ExtractMostSignificantBits();
            while (mask != 0)
            {
                int lane = BitOperations.TrailingZeroCount(mask);
                long dl = d.GetElement(lane);
                row.Add((slack.GetElement(lane) - (dl * dl), y + lane));
                mask &= mask - 1;
            }
        }

        for (int y = done; y < k; y++)
        {
            long slack = potY[y] - px;
            long d = BitOperations.PopCount(key ^ col[y]);
            if (d * d < slack)
            {
                row.Add((slack - (d * d), y));
            }
        }
    }

    /// <summary>Population count of each 64-bit lane: nibble table lookup (vpshufb) and a byte sum (vpsadbw).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<ulong> PopCount(Vector512<ulong> v)
    {
        Vector128<byte> table = Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        Vector512<byte> lut = Vector512.Create(Vector256.Create(table, table), Vector256.Create(table, table));
        Vector512<byte> nibble = Vector512.Create((byte)0x0F);
        Vector512<byte> bytes = v.AsByte();
        Vector512<byte> low = bytes & nibble;
        Vector512<byte> high = Vector512.ShiftRightLogical(v, 4).AsByte() & nibble;
        Vector512<byte> counts = Avx512BW.Shuffle(lut, low) + Avx512BW.Shuffle(lut, high);
        return Avx512BW.SumAbsoluteDifferences(counts, Vector512<byte>.Zero).AsUInt64();
    }

    private static long[] SortDistinct(List<long> values)
    {
        long[] array = [.. values];
        Array.Sort(array);
        int w = 0;
        for (int i = 0; i < array.Length; i++)
        {
            if (w == 0 || array[i] != array[w - 1])
            {
                array[w++] = array[i];
            }
        }

        Array.Resize(ref array, w);
        return array;
    }

    /// <summary>How a solve went.</summary>
    internal sealed class SolveStatistics
    {
        public int Rounds { get; set; }

        public int Phases { get; set; }

        public int Arcs { get; set; }

        public int LevelGraphs { get; set; }

        public long Violations { get; set; }

        public long SolveTicks { get; set; }

        public long PriceTicks { get; set; }

        public long SetupTicks { get; set; }

        public override string ToString() =>
            $"rounds {Rounds} phases {Phases} levelgraphs {LevelGraphs} arcs {Arcs} violations {Violations}; setup {SetupTicks * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F1} ms, solve {SolveTicks * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F1} ms, price {PriceTicks * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F1} ms";
    }
}
