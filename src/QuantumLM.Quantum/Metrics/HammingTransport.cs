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
/// <item>Solve the sparse problem exactly (<see cref="TransportSimplex"/>, an integer network simplex that keeps its
/// basis when columns are added).</item>
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

    private const int NearestPerKey = 16;
    private const int ViolationsPerRow = 16;

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
        long maxCost = (long)sources.Width * sources.Width;
        var simplex = new TransportSimplex(m, k, supply, demand, maxCost);
        foreach (long a in arcArray)
        {
            int x = (int)(a / k), y = (int)(a % k);
            int d = sources.Distance(x, sinks, y);
            simplex.AddArc(x, y, (long)d * d);
        }

        long[] potX = new long[m];
        long[] potY = new long[k];
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stats.Rounds++;
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            Int128 cost = simplex.Solve(cancellationToken);
            stats.SolveTicks += System.Diagnostics.Stopwatch.GetTimestamp() - t0;
            stats.Arcs = simplex.RealArcs;
            stats.Phases = (int)Math.Min(int.MaxValue, simplex.Pivots);
            stats.Detail = $"entering {simplex.PricingTicks * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F0} ms, pivots {simplex.PivotTicks * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F0} ms, moved nodes {simplex.MovedNodes}, cycle length {simplex.CycleLength}";
            if (dense)
            {
                return cost;
            }

            for (int x = 0; x < m; x++)
            {
                potX[x] = simplex.Potential(x);
            }

            for (int y = 0; y < k; y++)
            {
                potY[y] = simplex.Potential(m + y);
            }

            long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            List<long> violations = Price(sources, sinks, potX, potY, cancellationToken);
            stats.PriceTicks += System.Diagnostics.Stopwatch.GetTimestamp() - t1;
            stats.Violations += violations.Count;
            if (violations.Count == 0)
            {
                return cost;
            }

            // A violating pair has a negative reduced cost, so it is not an arc yet: add it as a non-basic column.
            foreach (long a in violations)
            {
                int x = (int)(a / k), y = (int)(a % k);
                int d = sources.Distance(x, sinks, y);
                simplex.AddArc(x, y, (long)d * d);
            }
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
            int c = 0;
            if (Avx512BW.IsSupported)
            {
                Vector512<ulong> kx = Vector512.Create(key);
                ref ulong c0 = ref MemoryMarshal.GetArrayDataReference(col);
                ref byte d0 = ref MemoryMarshal.GetReference(dist);
                for (; c + 8 <= n; c += 8)
                {
                    Vector128<byte> bytes = Avx512F.ConvertToVector128Byte(PopCount(Vector512.LoadUnsafe(ref c0, (nuint)c) ^ kx));
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref d0, c), bytes.AsUInt64().ToScalar());
                }
            }

            for (; c < n; c++)
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

    /// <summary>
    /// Finds, per source, the most violated pairs: d² + π(x) − π(y) &lt; 0. Sinks are grouped by Hamming weight and
    /// sorted by potential, descending; since d(x, y) ≥ |w(x) − w(y)|, a row only scans, in each weight group, the
    /// prefix of sinks with π(y) &gt; π(x) + (w(x) − w(y))². That prunes, for example, every pair between the two
    /// clusters of a noisy GHZ state.
    /// </summary>
    private static List<long> Price(PackedKeys sources, PackedKeys sinks, long[] potX, long[] potY, CancellationToken cancellationToken)
    {
        int m = sources.Count, k = sinks.Count;
        int width = sources.Width;
        int[] weight = new int[k];
        for (int y = 0; y < k; y++)
        {
            int w = 0;
            for (int l = 0; l < sinks.LimbCount; l++)
            {
                w += BitOperations.PopCount(sinks.Limb(l)[y]);
            }

            weight[y] = w;
        }

        // Order sinks by (weight, potential descending); keep keys and potentials in that order.
        int[] order = new int[k];
        for (int y = 0; y < k; y++)
        {
            order[y] = y;
        }

        Array.Sort(order, (a, b) => weight[a] != weight[b] ? weight[a].CompareTo(weight[b]) : potY[b].CompareTo(potY[a]));
        int[] groupStart = new int[width + 2];
        foreach (int y in order)
        {
            groupStart[weight[y] + 1]++;
        }

        for (int w = 0; w <= width; w++)
        {
            groupStart[w + 1] += groupStart[w];
        }

        PackedKeys sorted = sinks.Select(order);
        long[] sortedPot = new long[k];
        for (int i = 0; i < k; i++)
        {
            sortedPot[i] = potY[order[i]];
        }

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
                    long px = potX[x];
                    int wx = 0;
                    for (int l = 0; l < sources.LimbCount; l++)
                    {
                        wx += BitOperations.PopCount(sources.Limb(l)[x]);
                    }

                    for (int w = 0; w <= width; w++)
                    {
                        int start = groupStart[w], end = groupStart[w + 1];
                        if (start == end)
                        {
                            continue;
                        }

                        long threshold = px + ((long)(wx - w) * (wx - w));
                        if (sortedPot[start] <= threshold)
                        {
                            continue;
                        }

                        // Prefix of the group with potential above the threshold (potentials descend).
                        int lo = start, hi = end;
                        while (lo < hi)
                        {
                            int mid = (lo + hi) >>> 1;
                            if (sortedPot[mid] > threshold)
                            {
                                lo = mid + 1;
                            }
                            else
                            {
                                hi = mid;
                            }
                        }

                        if (sources.LimbCount == 1 && Avx512BW.IsSupported)
                        {
                            PriceRangeAvx512(sources.Limb(0)[x], px, sorted.Limb(0), sortedPot, start, lo, row);
                        }
                        else
                        {
                            PriceRangeScalar(sources, x, px, sorted, sortedPot, start, lo, row);
                        }
                    }

                    if (row.Count > ViolationsPerRow)
                    {
                        row.Sort(static (a, b) => a.Amount != b.Amount ? b.Amount.CompareTo(a.Amount) : a.Y.CompareTo(b.Y));
                        row.RemoveRange(ViolationsPerRow, row.Count - ViolationsPerRow);
                    }

                    foreach (var (_, y) in row)
                    {
                        local.Add(((long)x * k) + order[y]);
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

    private static void PriceRangeScalar(PackedKeys sources, int x, long px, PackedKeys sinks, long[] potY, int start, int end, List<(long, int)> row)
    {
        for (int y = start; y < end; y++)
        {
            long slack = potY[y] - px;
            long d = sources.Distance(x, sinks, y);
            if (d * d < slack)
            {
                row.Add((slack - (d * d), y));
            }
        }
    }

    private static void PriceRangeAvx512(ulong key, long px, ulong[] col, long[] potY, int start, int end, List<(long, int)> row)
    {
        int done = start + ((end - start) & ~7);
        Vector512<ulong> kx = Vector512.Create(key);
        Vector512<long> pxv = Vector512.Create(px);
        ref ulong c0 = ref MemoryMarshal.GetArrayDataReference(col);
        ref long p0 = ref MemoryMarshal.GetArrayDataReference(potY);
        for (int y = start; y < done; y += 8)
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

        for (int y = done; y < end; y++)
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

        public string? Detail { get; set; }

        public override string ToString() =>
            $"rounds {Rounds} pivots {Phases} arcs {Arcs} violations {Violations}; setup {SetupTicks * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F1} ms, solve {SolveTicks * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F1} ms, price {PriceTicks * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F1} ms; {Detail}";
    }
}
