using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace QuantumLM.Quantum.Simulation;

/// <summary>The SIMD width of the kernels, in complex amplitudes per vector.</summary>
internal enum SimdLevel
{
    Scalar = 1,
    Vector256 = 2,
    Vector512 = 4,
}

/// <summary>How kernels run: SIMD level, thread count and the size above which they go parallel.</summary>
internal sealed record KernelSettings(SimdLevel Simd, int Threads, int ParallelThresholdQubits)
{
    public static SimdLevel DetectSimd() =>
        Vector512.IsHardwareAccelerated ? SimdLevel.Vector512 : Vector256.IsHardwareAccelerated ? SimdLevel.Vector256 : SimdLevel.Scalar;

    public static KernelSettings Default { get; } = new(DetectSimd(), Environment.ProcessorCount, 14);

    /// <summary>Clamps a requested level to what the hardware accelerates.</summary>
    public SimdLevel EffectiveSimd => (SimdLevel)Math.Min((int)Simd, (int)DetectSimd());
}

/// <summary>
/// In-place gate kernels over a <see cref="StateVector"/>. Every kernel iterates only over the amplitudes it changes
/// (indices with zero bits inserted at the gate's positions), uses Vector512/Vector256 when the lowest position leaves
/// whole vectors contiguous, and splits the index range over threads above the threshold. Element results never depend
/// on the partition, so any thread count gives bit-identical states; reductions use a fixed chunking for the same reason.
/// </summary>
internal sealed unsafe class Kernels
{
    private const int ReduceChunk = 1 << 14;
    private readonly double* _p;
    private readonly long _len;
    private readonly SimdLevel _simd;
    private readonly int _threads;
    private readonly long _parallelFrom;

    /// <summary>
    /// Gates whose qubits are all below this index act within aligned chunks of 2^15 amplitudes (512 KiB, L2-resident);
    /// consecutive such gates run chunk by chunk in one pass over memory (cache blocking).
    /// </summary>
    public const int CacheBlockQubits = 15;

    private Kernels(double* p, long length, SimdLevel simd)
    {
        _p = p;
        _len = length;
        _simd = simd;
        _threads = 1;
        _parallelFrom = long.MaxValue;
    }

    public Kernels(StateVector state, KernelSettings settings)
    {
        _p = state.Data;
        _len = state.Length;
        _simd = settings.EffectiveSimd;
        _threads = Math.Max(1, settings.Threads);
        _parallelFrom = 1L << Math.Clamp(settings.ParallelThresholdQubits, 1, 40);
    }

    // ---------------------------------------------------------------- helpers

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Insert(long g, ReadOnlySpan<int> sortedPositions)
    {
        foreach (int p in sortedPositions)
        {
            long low = g & ((1L << p) - 1);
            g = ((g >> p) << (p + 1)) | low;
        }

        return g;
    }

    private int Width(int minPosition) => _simd switch
    {
        SimdLevel.Vector512 when minPosition >= 2 => 4,
        SimdLevel.Vector512 or SimdLevel.Vector256 when minPosition >= 1 => 2,
        _ => 1,
    };

    private void Run(long count, long align, Action<long, long> body)
    {
        if (_threads <= 1 || _len < _parallelFrom || count < align * 2)
        {
            body(0, count);
            return;
        }

        int chunks = _threads;
        long per = (count + chunks - 1) / chunks;
        per = (per + align - 1) / align * align;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = _threads }, c =>
        {
            long start = c * per, end = Math.Min(count, start + per);
            if (start < end)
            {
                body(start, end);
            }
        });
    }

    private double Reduce(long count, Func<long, long, double> partial)
    {
        long chunks = (count + ReduceChunk - 1) / ReduceChunk;
        var sums = new double[chunks];
        void Body(long c0, long c1)
        {
            for (long c = c0; c < c1; c++)
            {
                long s = c * ReduceChunk;
                sums[c] = partial(s, Math.Min(count, s + ReduceChunk));
            }
        }

        if (_threads <= 1 || _len < _parallelFrom || chunks < 2)
        {
            Body(0, chunks);
        }
        else
        {
            long per = (chunks + _threads - 1) / _threads;
            Parallel.For(0, _threads, new ParallelOptions { MaxDegreeOfParallelism = _threads }, t => Body(Math.Min(chunks, t * per), Math.Min(chunks, (t + 1) * per)));
        }

        double total = 0;
        foreach (double s in sums)
        {
            total += s;
        }

        return total;
    }

    private static int[] Sorted(ReadOnlySpan<int> controls, params ReadOnlySpan<int> targets)
    {
        var all = new int[controls.Length + targets.Length];
        controls.CopyTo(all);
        targets.CopyTo(all.AsSpan(controls.Length));
        Array.Sort(all);
        return all;
    }

    private static long Mask(ReadOnlySpan<int> positions)
    {
        long m = 0;
        foreach (int p in positions)
        {
            m |= 1L << p;
        }

        return m;
    }

    private static Vector512<double> Swap(Vector512<double> v) => Vector512.Shuffle(v, Vector512.Create(1L, 0, 3, 2, 5, 4, 7, 6));

    private static Vector256<double> Swap(Vector256<double> v) => Vector256.Shuffle(v, Vector256.Create(1L, 0, 3, 2));

    private static Vector128<double> Swap(Vector128<double> v) => Vector128.Shuffle(v, Vector128.Create(1L, 0));

    // ---------------------------------------------------------------- 2x2 (optionally controlled)

    /// <summary>Applies a 2×2 unitary m (row-major) to <paramref name="target"/> where every control is 1.</summary>
    public void Controlled2x2(ReadOnlySpan<int> controls, int target, ReadOnlySpan<Complex> m)
    {
        int[] sorted = Sorted(controls, target);
        long cmask = Mask(controls), tbit = 1L << target;
        long count = _len >> sorted.Length;
        int w = Width(sorted[0]);
        Complex m00 = m[0], m01 = m[1], m10 = m[2], m11 = m[3];
        double* p = _p;
        if (w == 4)
        {
            Run(count, 4, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g0, g1) =>
            {
                var a00 = Vector512.Create(m00.Real); var b00 = Vector512.Create(-m00.Imaginary, m00.Imaginary, -m00.Imaginary, m00.Imaginary, -m00.Imaginary, m00.Imaginary, -m00.Imaginary, m00.Imaginary);
                var a01 = Vector512.Create(m01.Real); var b01 = Vector512.Create(-m01.Imaginary, m01.Imaginary, -m01.Imaginary, m01.Imaginary, -m01.Imaginary, m01.Imaginary, -m01.Imaginary, m01.Imaginary);
                var a10 = Vector512.Create(m10.Real); var b10 = Vector512.Create(-m10.Imaginary, m10.Imaginary, -m10.Imaginary, m10.Imaginary, -m10.Imaginary, m10.Imaginary, -m10.Imaginary, m10.Imaginary);
                var a11 = Vector512.Create(m11.Real); var b11 = Vector512.Create(-m11.Imaginary, m11.Imaginary, -m11.Imaginary, m11.Imaginary, -m11.Imaginary, m11.Imaginary, -m11.Imaginary, m11.Imaginary);
                long bs = 0, runMask = (1L << sorted[0]) - 1;
                for (long g = g0; g < g1; g += 4)
                {
                    long i0 = g + (((g & runMask) == 0 || g == g0) ? (bs = Insert(g, sorted) - g) : bs) | cmask;
                    double* pa = p + (2 * i0), pb = p + (2 * (i0 | tbit));
                    var x = Vector512.Load(pa); var y = Vector512.Load(pb);
                    var sx = Swap(x); var sy = Swap(y);
                    var nx = Vector512.FusedMultiplyAdd(a00, x, Vector512.FusedMultiplyAdd(b00, sx, Vector512.FusedMultiplyAdd(a01, y, b01 * sy)));
                    var ny = Vector512.FusedMultiplyAdd(a10, x, Vector512.FusedMultiplyAdd(b10, sx, Vector512.FusedMultiplyAdd(a11, y, b11 * sy)));
                    nx.Store(pa);
                    ny.Store(pb);
                }
            });
        }
        else if (w == 2)
        {
            Run(count, 2, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g0, g1) =>
            {
                var a00 = Vector256.Create(m00.Real); var b00 = Vector256.Create(-m00.Imaginary, m00.Imaginary, -m00.Imaginary, m00.Imaginary);
                var a01 = Vector256.Create(m01.Real); var b01 = Vector256.Create(-m01.Imaginary, m01.Imaginary, -m01.Imaginary, m01.Imaginary);
                var a10 = Vector256.Create(m10.Real); var b10 = Vector256.Create(-m10.Imaginary, m10.Imaginary, -m10.Imaginary, m10.Imaginary);
                var a11 = Vector256.Create(m11.Real); var b11 = Vector256.Create(-m11.Imaginary, m11.Imaginary, -m11.Imaginary, m11.Imaginary);
                long bs = 0, runMask = (1L << sorted[0]) - 1;
                for (long g = g0; g < g1; g += 2)
                {
                    long i0 = g + (((g & runMask) == 0 || g == g0) ? (bs = Insert(g, sorted) - g) : bs) | cmask;
                    double* pa = p + (2 * i0), pb = p + (2 * (i0 | tbit));
                    var x = Vector256.Load(pa); var y = Vector256.Load(pb);
                    var sx = Swap(x); var sy = Swap(y);
                    var nx = Vector256.FusedMultiplyAdd(a00, x, Vector256.FusedMultiplyAdd(b00, sx, Vector256.FusedMultiplyAdd(a01, y, b01 * sy)));
                    var ny = Vector256.FusedMultiplyAdd(a10, x, Vector256.FusedMultiplyAdd(b10, sx, Vector256.FusedMultiplyAdd(a11, y, b11 * sy)));
                    nx.Store(pa);
                    ny.Store(pb);
                }
            });
        }
        else
        {
            Run(count, 1, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g0, g1) =>
            {
                long bs = 0, runMask = (1L << sorted[0]) - 1;
                for (long g = g0; g < g1; g++)
                {
                    long i0 = g + (((g & runMask) == 0 || g == g0) ? (bs = Insert(g, sorted) - g) : bs) | cmask;
                    double* pa = p + (2 * i0), pb = p + (2 * (i0 | tbit));
                    double xr = pa[0], xi = pa[1], yr = pb[0], yi = pb[1];
                    pa[0] = (m00.Real * xr) - (m00.Imaginary * xi) + (m01.Real * yr) - (m01.Imaginary * yi);
                    pa[1] = (m00.Real * xi) + (m00.Imaginary * xr) + (m01.Real * yi) + (m01.Imaginary * yr);
                    pb[0] = (m10.Real * xr) - (m10.Imaginary * xi) + (m11.Real * yr) - (m11.Imaginary * yi);
                    pb[1] = (m10.Real * xi) + (m10.Imaginary * xr) + (m11.Real * yi) + (m11.Imaginary * yr);
                }
            });
        }
    }

    // ---------------------------------------------------------------- permutations

    /// <summary>Swaps amplitudes base|offA and base|offB for every base with zeros at <paramref name="sortedPositions"/>, ORed with <paramref name="baseMask"/>.</summary>
    private void PairSwap(int[] sortedPositions, long baseMask, long offA, long offB)
    {
        long count = _len >> sortedPositions.Length;
        int w = Width(sortedPositions[0]);
        double* p = _p;
        if (w == 4)
        {
            Run(count, 4, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g0, g1) =>
            {
                long bs = 0, runMask = (1L << sortedPositions[0]) - 1;
                for (long g = g0; g < g1; g += 4)
                {
                    long b = g + (((g & runMask) == 0 || g == g0) ? (bs = Insert(g, sortedPositions) - g) : bs) | baseMask;
                    double* pa = p + (2 * (b | offA)), pb = p + (2 * (b | offB));
                    var x = Vector512.Load(pa);
                    Vector512.Load(pb).Store(pa);
                    x.Store(pb);
                }
            });
        }
        else if (w == 2)
        {
            Run(count, 2, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g0, g1) =>
            {
                long bs = 0, runMask = (1L << sortedPositions[0]) - 1;
                for (long g = g0; g < g1; g += 2)
                {
                    long b = g + (((g & runMask) == 0 || g == g0) ? (bs = Insert(g, sortedPositions) - g) : bs) | baseMask;
                    double* pa = p + (2 * (b | offA)), pb = p + (2 * (b | offB));
                    var x = Vector256.Load(pa);
                    Vector256.Load(pb).Store(pa);
                    x.Store(pb);
                }
            });
        }
        else
        {
            Run(count, 1, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g0, g1) =>
            {
                long bs = 0, runMask = (1L << sortedPositions[0]) - 1;
                for (long g = g0; g < g1; g++)
                {
                    long b = g + (((g & runMask) == 0 || g == g0) ? (bs = Insert(g, sortedPositions) - g) : bs) | baseMask;
                    var pa = (Vector128<double>*)(p + (2 * (b | offA)));
                    var pb = (Vector128<double>*)(p + (2 * (b | offB)));
                    (*pa, *pb) = (*pb, *pa);
                }
            });
        }
    }

    /// <summary>Multi-controlled X (X, CX, CCX, C3X, C4X).</summary>
    public void ControlledX(ReadOnlySpan<int> controls, int target) => PairSwap(Sorted(controls, target), Mask(controls), 0, 1L << target);

    /// <summary>Multi-controlled SWAP (SWAP, CSWAP).</summary>
    public void ControlledSwap(ReadOnlySpan<int> controls, int a, int b) => PairSwap(Sorted(controls, a, b), Mask(controls), 1L << a, 1L << b);

    // ---------------------------------------------------------------- diagonal

    /// <summary>Multiplies every amplitude whose bits at <paramref name="positions"/> are all 1 by <paramref name="phase"/> (Z, S, T, P, CZ, CP…).</summary>
    public void PhaseOnMask(ReadOnlySpan<int> positions, Complex phase)
    {
        int[] sorted = Sorted(positions);
        long mask = Mask(positions);
        long count = _len >> sorted.Length;
        int w = Width(sorted[0]);
        double* p = _p;
        double pr = phase.Real, pi = phase.Imaginary;
        if (w == 4)
        {
            Run(count, 4, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g0, g1) =>
            {
                var a = Vector512.Create(pr);
                var b = Vector512.Create(-pi, pi, -pi, pi, -pi, pi, -pi, pi);
                for (long g = g0; g < g1; g += 4)
                {
                    double* q = p + (2 * (Insert(g, sorted) | mask));
                    var x = Vector512.Load(q);
                    Vector512.FusedMultiplyAdd(a, x, b * Swap(x)).Store(q);
                }
            });
        }
        else if (w == 2)
        {
            Run(count, 2, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g0, g1) =>
            {
                var a = Vector256.Create(pr);
                var b = Vector256.Create(-pi, pi, -pi, pi);
                for (long g = g0; g < g1; g += 2)
                {
                    double* q = p + (2 * (Insert(g, sorted) | mask));
                    var x = Vector256.Load(q);
                    Vector256.FusedMultiplyAdd(a, x, b * Swap(x)).Store(q);
                }
            });
        }
        else
        {
            Run(count, 1, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g0, g1) =>
            {
                for (long g = g0; g < g1; g++)
                {
                    double* q = p + (2 * (Insert(g, sorted) | mask));
                    double xr = q[0], xi = q[1];
                    q[0] = (pr * xr) - (pi * xi);
                    q[1] = (pr * xi) + (pi * xr);
                }
            });
        }
    }

    /// <summary>Multiplies amplitude i by diag[bits of i at <paramref name="qubits"/>] (bit j of the index = qubits[j]).</summary>
    public void Diagonal(ReadOnlySpan<int> qubits, ReadOnlySpan<Complex> diag)
    {
        if (qubits.Length == 1)
        {
            Controlled2x2([], qubits[0], [diag[0], Complex.Zero, Complex.Zero, diag[1]]);
            return;
        }

        int[] qs = qubits.ToArray();
        Complex[] d = diag.ToArray();
        double* p = _p;
        int w = Width(qs.Min());
        if (w > 1)
        {
            // Every vector of w consecutive amplitudes shares one diagonal entry.
            var re = new double[d.Length];
            var im = new double[d.Length];
            for (int e = 0; e < d.Length; e++)
            {
                re[e] = d[e].Real;
                im[e] = d[e].Imaginary;
            }

            Run(_len, w, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (i0, i1) =>
            {
                for (long i = i0; i < i1; i += w)
                {
                    int k = 0;
                    for (int j = 0; j < qs.Length; j++)
                    {
                        k |= (int)((i >> qs[j]) & 1) << j;
                    }

                    double* q = p + (2 * i);
                    double fr = re[k], fi = im[k];
                    if (w == 4)
                    {
                        var x = Vector512.Load(q);
                        Vector512.FusedMultiplyAdd(Vector512.Create(fr), x, Vector512.Create(-fi, fi, -fi, fi, -fi, fi, -fi, fi) * Swap(x)).Store(q);
                    }
                    else
                    {
                        var x = Vector256.Load(q);
                        Vector256.FusedMultiplyAdd(Vector256.Create(fr), x, Vector256.Create(-fi, fi, -fi, fi) * Swap(x)).Store(q);
                    }
                }
            });
            return;
        }

        Run(_len, 1, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (i0, i1) =>
        {
            for (long i = i0; i < i1; i++)
            {
                int k = 0;
                for (int j = 0; j < qs.Length; j++)
                {
                    k |= (int)((i >> qs[j]) & 1) << j;
                }

                Complex f = d[k];
                double* q = p + (2 * i);
                double xr = q[0], xi = q[1];
                q[0] = (f.Real * xr) - (f.Imaginary * xi);
                q[1] = (f.Real * xi) + (f.Imaginary * xr);
            }
        });
    }

    // ---------------------------------------------------------------- dense k-qubit

    /// <summary>Applies a dense 2^k × 2^k unitary (row-major, bit j ↔ qubits[j]) for k ≤ 6.</summary>
    public void Dense(ReadOnlySpan<int> qubits, ReadOnlySpan<Complex> matrix)
    {
        int k = qubits.Length;
        int dim = 1 << k;
        int[] sorted = Sorted(qubits);
        var offsets = new long[dim];
        for (int s = 0; s < dim; s++)
        {
            long o = 0;
            for (int j = 0; j < k; j++)
            {
                if (((s >> j) & 1) != 0)
                {
                    o |= 1L << qubits[j];
                }
            }

            offsets[s] = o;
        }

        long count = _len >> k;
        int w = Width(sorted[0]);
        double* p = _p;
        Complex[] m = matrix.ToArray();
        if (w == 4)
        {
            var re = new Vector512<double>[dim * dim];
            var im = new Vector512<double>[dim * dim];
            for (int e = 0; e < m.Length; e++)
            {
                re[e] = Vector512.Create(m[e].Real);
                double mi = m[e].Imaginary;
                im[e] = Vector512.Create(-mi, mi, -mi, mi, -mi, mi, -mi, mi);
            }

            Run(count, 4, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g0, g1) =>
            {
                Vector512<double>* v = stackalloc Vector512<double>[dim];
                Vector512<double>* sv = stackalloc Vector512<double>[dim];
                double** at = stackalloc double*[dim];
                fixed (Vector512<double>* pre = re, pim = im)
                fixed (long* off = offsets)
                {
                    long bs = 0, runMask = (1L << sorted[0]) - 1;
                    for (long g = g0; g < g1; g += 4)
                    {
                        long b = g + (((g & runMask) == 0 || g == g0) ? (bs = Insert(g, sorted) - g) : bs);
                        for (int s = 0; s < dim; s++)
                        {
                            at[s] = p + (2 * (b | off[s]));
                            v[s] = Vector512.Load(at[s]);
                            sv[s] = Swap(v[s]);
                        }

                        if (dim == 4)
                        {
                            Vector512<double> v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3], s0 = sv[0], s1 = sv[1], s2 = sv[2], s3 = sv[3];
                            for (int r = 0; r < 4; r++)
                            {
                                Vector512<double>* mr = pre + (r * 4), mi = pim + (r * 4);
                                var a0 = Vector512.FusedMultiplyAdd(mr[1], v1, mr[0] * v0);
                                var a1 = Vector512.FusedMultiplyAdd(mi[1], s1, mi[0] * s0);
                                a0 = Vector512.FusedMultiplyAdd(mr[3], v3, Vector512.FusedMultiplyAdd(mr[2], v2, a0));
                                a1 = Vector512.FusedMultiplyAdd(mi[3], s3, Vector512.FusedMultiplyAdd(mi[2], s2, a1));
                                (a0 + a1).Store(at[r]);
                            }

                            continue;
                        }

                        for (int r = 0; r < dim; r++)
                        {
                            Vector512<double>* mr = pre + (r * dim), mi = pim + (r * dim);
                            var acc0 = mr[0] * v[0];
                            var acc1 = mi[0] * sv[0];
                            var acc2 = mr[1] * v[1];
                            var acc3 = mi[1] * sv[1];
                            for (int s = 2; s < dim; s += 2)
                            {
                                acc0 = Vector512.FusedMultiplyAdd(mr[s], v[s], acc0);
                                acc1 = Vector512.FusedMultiplyAdd(mi[s], sv[s], acc1);
                                acc2 = Vector512.FusedMultiplyAdd(mr[s + 1], v[s + 1], acc2);
                                acc3 = Vector512.FusedMultiplyAdd(mi[s + 1], sv[s + 1], acc3);
                            }

                            ((acc0 + acc1) + (acc2 + acc3)).Store(at[r]);
                        }
                    }
                }
            });
        }
        else if (w == 2)
        {
            var re = new Vector256<double>[dim * dim];
            var im = new Vector256<double>[dim * dim];
            for (int e = 0; e < m.Length; e++)
            {
                re[e] = Vector256.Create(m[e].Real);
                double mi = m[e].Imaginary;
                im[e] = Vector256.Create(-mi, mi, -mi, mi);
            }

            Run(count, 2, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g0, g1) =>
            {
                Span<Vector256<double>> v = stackalloc Vector256<double>[dim];
                Span<Vector256<double>> sv = stackalloc Vector256<double>[dim];
                long bs = 0, runMask = (1L << sorted[0]) - 1;
                for (long g = g0; g < g1; g += 2)
                {
                    long b = g + (((g & runMask) == 0 || g == g0) ? (bs = Insert(g, sorted) - g) : bs);
                    for (int s = 0; s < dim; s++)
                    {
                        v[s] = Vector256.Load(p + (2 * (b | offsets[s])));
                        sv[s] = Swap(v[s]);
                    }

                    for (int r = 0; r < dim; r++)
                    {
                        int row = r * dim;
                        var acc0 = re[row] * v[0];
                        var acc1 = im[row] * sv[0];
                        for (int s = 1; s < dim; s++)
                        {
                            acc0 = Vector256.FusedMultiplyAdd(re[row + s], v[s], acc0);
                            acc1 = Vector256.FusedMultiplyAdd(im[row + s], sv[s], acc1);
                        }

                        (acc0 + acc1).Store(p + (2 * (b | offsets[r])));
                    }
                }
            });
        }
        else if (_simd == SimdLevel.Scalar)
        {
            Run(count, 1, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g0, g1) =>
            {
                Span<Complex> v = stackalloc Complex[dim];
                long bs = 0, runMask = (1L << sorted[0]) - 1;
                for (long g = g0; g < g1; g++)
                {
                    long b = g + (((g & runMask) == 0 || g == g0) ? (bs = Insert(g, sorted) - g) : bs);
                    for (int s = 0; s < dim; s++)
                    {
                        double* q = p + (2 * (b | offsets[s]));
                        v[s] = new Complex(q[0], q[1]);
                    }

                    for (int r = 0; r < dim; r++)
                    {
                        double accR = 0, accI = 0;
                        for (int s = 0; s < dim; s++)
                        {
                            Complex e = m[(r * dim) + s];
                            accR += (e.Real * v[s].Real) - (e.Imaginary * v[s].Imaginary);
                            accI += (e.Real * v[s].Imaginary) + (e.Imaginary * v[s].Real);
                        }

                        double* q = p + (2 * (b | offsets[r]));
                        q[0] = accR;
                        q[1] = accI;
                    }
                }
            });
        }
        else
        {
            var re = new Vector128<double>[dim * dim];
            var im = new Vector128<double>[dim * dim];
            for (int e = 0; e < m.Length; e++)
            {
                re[e] = Vector128.Create(m[e].Real);
                double mi = m[e].Imaginary;
                im[e] = Vector128.Create(-mi, mi);
            }

            Run(count, 1, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g0, g1) =>
            {
                Vector128<double>* v = stackalloc Vector128<double>[dim];
                Vector128<double>* sv = stackalloc Vector128<double>[dim];
                double** at = stackalloc double*[dim];
                fixed (Vector128<double>* pre = re, pim = im)
                fixed (long* off = offsets)
                {
                    long bs = 0, runMask = (1L << sorted[0]) - 1;
                    for (long g = g0; g < g1; g++)
                    {
                        long b = g + (((g & runMask) == 0 || g == g0) ? (bs = Insert(g, sorted) - g) : bs);
                        for (int s = 0; s < dim; s++)
                        {
                            at[s] = p + (2 * (b | off[s]));
                            v[s] = Vector128.Load(at[s]);
                            sv[s] = Swap(v[s]);
                        }

                        if (dim == 4)
                        {
                            Vector128<double> v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3], s0 = sv[0], s1 = sv[1], s2 = sv[2], s3 = sv[3];
                            for (int r = 0; r < 4; r++)
                            {
                                Vector128<double>* mr = pre + (r * 4), mi = pim + (r * 4);
                                var a0 = Vector128.FusedMultiplyAdd(mr[1], v1, mr[0] * v0);
                                var a1 = Vector128.FusedMultiplyAdd(mi[1], s1, mi[0] * s0);
                                a0 = Vector128.FusedMultiplyAdd(mr[3], v3, Vector128.FusedMultiplyAdd(mr[2], v2, a0));
                                a1 = Vector128.FusedMultiplyAdd(mi[3], s3, Vector128.FusedMultiplyAdd(mi[2], s2, a1));
                                (a0 + a1).Store(at[r]);
                            }

                            continue;
                        }

                        for (int r = 0; r < dim; r++)
                        {
                            Vector128<double>* mr = pre + (r * dim), mi = pim + (r * dim);
                            var acc0 = mr[0] * v[0];
                            var acc1 = mi[0] * sv[0];
                            var acc2 = mr[1] * v[1];
                            var acc3 = mi[1] * sv[1];
                            for (int s = 2; s < dim; s += 2)
                            {
                                acc0 = Vector128.FusedMultiplyAdd(mr[s], v[s], acc0);
                                acc1 = Vector128.FusedMultiplyAdd(mi[s], sv[s], acc1);
                                acc2 = Vector128.FusedMultiplyAdd(mr[s + 1], v[s + 1], acc2);
                                acc3 = Vector128.FusedMultiplyAdd(mi[s + 1], sv[s + 1], acc3);
                            }

                            ((acc0 + acc1) + (acc2 + acc3)).Store(at[r]);
                        }
                    }
                }
            });
        }
    }

    // ---------------------------------------------------------------- measurement support

    /// <summary>Σ|amp|² over all amplitudes (fixed chunking: identical for every thread count).</summary>
    public double NormSquared()
    {
        double* p = _p;
        return Reduce(_len, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (s, e) => TensorPrimitives.SumOfSquares(new ReadOnlySpan<double>(p + (2 * s), (int)(2 * (e - s)))));
    }

    /// <summary>The probability that <paramref name="qubit"/> reads 1.</summary>
    public double ProbabilityOfOne(int qubit)
    {
        double* p = _p;
        int[] sorted = [qubit];
        long bit = 1L << qubit;
        return Reduce(_len >> 1, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (s, e) =>
        {
            double acc = 0;
            for (long g = s; g < e; g++)
            {
                double* q = p + (2 * (Insert(g, sorted) | bit));
                acc += (q[0] * q[0]) + (q[1] * q[1]);
            }

            return acc;
        });
    }

    /// <summary>Projects <paramref name="qubit"/> onto <paramref name="outcome"/> and renormalizes by 1/√<paramref name="probability"/>.</summary>
    public void Collapse(int qubit, bool outcome, double probability)
    {
        double* p = _p;
        int[] sorted = [qubit];
        long bit = 1L << qubit;
        double scale = 1.0 / Math.Sqrt(probability);
        Run(_len >> 1, 1, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (g0, g1) =>
        {
            long bs = 0, runMask = (1L << sorted[0]) - 1;
            for (long g = g0; g < g1; g++)
            {
                long i0 = g + (((g & runMask) == 0 || g == g0) ? (bs = Insert(g, sorted) - g) : bs);
                double* keep = p + (2 * (outcome ? i0 | bit : i0));
                double* drop = p + (2 * (outcome ? i0 : i0 | bit));
                keep[0] *= scale;
                keep[1] *= scale;
                drop[0] = 0;
                drop[1] = 0;
            }
        });
    }

    /// <summary>Σ|amp|² of each consecutive chunk of <paramref name="chunk"/> amplitudes.</summary>
    public double[] ChunkNorms(long chunk)
    {
        double* p = _p;
        long chunks = _len / chunk;
        var sums = new double[chunks];
        Run(chunks, 1, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (c0, c1) =>
        {
            for (long c = c0; c < c1; c++)
            {
                sums[c] = TensorPrimitives.SumOfSquares(new ReadOnlySpan<double>(p + (2 * c * chunk), (int)(2 * chunk)));
            }
        });
        return sums;
    }

    /// <summary>Applies gates in order; runs of two or more gates below <see cref="CacheBlockQubits"/> are applied chunk by chunk.</summary>
    public void ApplyAll(List<SimGate> gates, CancellationToken cancellationToken)
    {
        bool blocking = _len > (1L << (CacheBlockQubits + 1));
        int i = 0;
        while (i < gates.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int j = i;
            while (blocking && j < gates.Count && gates[j].MaxQubit < CacheBlockQubits)
            {
                j++;
            }

            if (j - i >= 2)
            {
                ApplyBlocked(gates, i, j);
                i = j;
            }
            else
            {
                gates[i].Apply(this);
                i++;
            }
        }
    }

    private void ApplyBlocked(List<SimGate> gates, int from, int to)
    {
        long chunk = 1L << CacheBlockQubits;
        double* p = _p;
        SimdLevel simd = _simd;
        Run(_len / chunk, 1, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (c0, c1) =>
        {
            for (long c = c0; c < c1; c++)
            {
                var sub = new Kernels(p + (2 * c * chunk), chunk, simd);
                for (int g = from; g < to; g++)
                {
                    gates[g].Apply(sub);
                }
            }
        });
    }
}
