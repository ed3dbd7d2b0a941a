using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace QuantumLM.Quantum.Metrics;

/// <summary>
/// The vector passes over probability and count vectors: entropies, per-bit marginals and the Bhattacharyya/Hellinger
/// sums. Entropies and the Hellinger sums use <see cref="TensorPrimitives"/>; the per-bit marginals use a hand
/// Vector512/Vector256 kernel (a mask per bit from two shifts, no gather), which TensorPrimitives has no primitive for.
/// The test project keeps a plain scalar reference of each kernel and compares them with FsCheck.
/// </summary>
internal static class MetricKernels
{
    private const int Chunk = 8192;

    private static readonly double s_ln2 = Math.Log(2.0);

    /// <summary>Plug-in Shannon entropy in bits of counts (all positive) with total <paramref name="shots"/>.</summary>
    public static double EntropyOfCounts(ReadOnlySpan<long> counts, long shots)
    {
        if (counts.Length <= 1)
        {
            return 0.0;
        }

        double[]? rented = null;
        Span<double> p = counts.Length <= 1024 ? stackalloc double[2048] : (rented = System.Buffers.ArrayPool<double>.Shared.Rent(2 * counts.Length));
        try
        {
            Span<double> prob = p[..counts.Length];
            Span<double> log = p.Slice(counts.Length, counts.Length);
            TensorPrimitives.ConvertTruncating<long, double>(counts, prob);
            TensorPrimitives.Divide(prob, (double)shots, prob);
            TensorPrimitives.Log2(prob, log);
            double h = -TensorPrimitives.Dot<double>(prob, log);
            return h > 0 ? h : 0.0;
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<double>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Entropy in bits of a Bernoulli variable with P(1) = <paramref name="ones"/>/<paramref name="total"/>.</summary>
    public static double BinaryEntropy(double ones, double total)
    {
        if (ones <= 0 || ones >= total)
        {
            return 0.0;
        }

        double p1 = ones / total;
        double p0 = (total - ones) / total;
        return -(p1 * Math.Log2(p1)) - (p0 * Math.Log2(p0));
    }

    /// <summary>The Miller–Madow correction (K − 1)/(2 N ln 2) in bits.</summary>
    public static double MillerMadow(int distinct, long shots) => distinct <= 1 ? 0.0 : (distinct - 1) / (2.0 * shots * s_ln2);

    /// <summary>
    /// For every bit k of the width, the weighted number of keys whose bit k is 1:
    /// <c>ones[k] = Σᵢ weights[i]·bitₖ(keys[i])</c>. Exact for integer weights.
    /// </summary>
    public static void MarginalOnes<T>(PackedKeys keys, ReadOnlySpan<T> weights, Span<T> ones)
        where T : unmanaged, INumber<T>
    {
        ones[..keys.Width].Clear();
        for (int limb = 0; limb < keys.LimbCount; limb++)
        {
            int bits = Math.Min(64, keys.Width - (64 * limb));
            MarginalLimb(keys.Limb(limb).AsSpan(0, keys.Count), weights, ones.Slice(64 * limb, bits));
        }
    }

    /// <summary>
    /// Aligns two sorted key sets on the union of their supports and returns Σ √(p·q) (the Bhattacharyya coefficient)
    /// and ½ Σ (√p − √q)² (the squared Hellinger distance, free of cancellation when p ≈ q).
    /// </summary>
    public static (double Bc, double HellingerSquared) Hellinger(PackedKeys pKeys, ReadOnlySpan<double> p, PackedKeys qKeys, ReadOnlySpan<double> q)
    {
        int m = pKeys.Count, k = qKeys.Count;
        double[] buffer = System.Buffers.ArrayPool<double>.Shared.Rent(2 * (m + k));
        try
        {
            Span<double> up = buffer.AsSpan(0, m + k);
            Span<double> uq = buffer.AsSpan(m + k, m + k);
            int u = AlignUnion(pKeys, p, qKeys, q, up, uq);

            // In L2-sized chunks: TensorPrimitives switches to non-temporal stores above 256 KiB, which would evict
            // the square roots right before Dot and Distance read them again.
            double bc = 0, squares = 0;
            for (int start = 0; start < u; start += Chunk)
            {
                int len = Math.Min(Chunk, u - start);
                Span<double> cp = up.Slice(start, len);
                Span<double> cq = uq.Slice(start, len);
                TensorPrimitives.Sqrt(cp, cp);
                TensorPrimitives.Sqrt(cq, cq);
                bc += TensorPrimitives.Dot<double>(cp, cq);
                double distance = TensorPrimitives.Distance<double>(cp, cq);
                squares += distance * distance;
            }

            return (bc, 0.5 * squares);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>Merge walk over two ascending key sets: writes p and q aligned on the union (0 where a key is absent).</summary>
    public static int AlignUnion(PackedKeys pKeys, ReadOnlySpan<double> p, PackedKeys qKeys, ReadOnlySpan<double> q, Span<double> up, Span<double> uq)
    {
        int i = 0, j = 0, u = 0;
        int m = pKeys.Count, k = qKeys.Count;
        if (pKeys.LimbCount == 1)
        {
            // Branch-free merge: the interleaving of two key sets is unpredictable, so no data-dependent branches.
            ulong[] a = pKeys.Limb(0), b = qKeys.Limb(0);
            while (i < m && j < k)
            {
                ulong x = a[i], y = b[j];
                int takeP = x <= y ? 1 : 0;
                int takeQ = x >= y ? 1 : 0;
                up[u] = p[i] * takeP;
                uq[u] = q[j] * takeQ;
                u++;
                i += takeP;
                j += takeQ;
            }
        }
        else
        {
            while (i < m && j < k)
            {
                int c = pKeys.Compare(i, qKeys, j);
                up[u] = c <= 0 ? p[i++] : 0;
                uq[u++] = c >= 0 ? q[j++] : 0;
            }
        }

        for (; i < m; i++)
        {
            up[u] = p[i];
            uq[u++] = 0;
        }

        for (; j < k; j++)
        {
            up[u] = 0;
            uq[u++] = q[j];
        }

        return u;
    }

    private static void MarginalLimb<T>(ReadOnlySpan<ulong> keys, ReadOnlySpan<T> weights, Span<T> ones)
        where T : unmanaged, INumber<T>
    {
        int n = keys.Length;
        int bits = ones.Length;
        int done = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<ulong>.Count)
        {
            done = n - (n % Vector512<ulong>.Count);
            ref ulong k0 = ref MemoryMarshal.GetReference(keys);
            ref T w0 = ref MemoryMarshal.GetReference(weights);
            for (int b0 = 0; b0 < bits; b0 += 8)
            {
                int shift = 56 - b0; // bit b0 + 7 lands in the sign bit; bit b0 + j after a further shift of 7 − j
                Vector512<T> a0 = Vector512<T>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                for (int i = 0; i < done; i += Vector512<ulong>.Count)
                {
                    Vector512<long> kv = Vector512.ShiftLeft(Vector512.LoadUnsafe(ref k0, (nuint)i).AsInt64(), shift);
                    Vector512<T> wv = Vector512.LoadUnsafe(ref w0, (nuint)i);
                    a0 += wv & Vector512.ShiftRightArithmetic(Vector512.ShiftLeft(kv, 7), 63).As<long, T>();
                    a1 += wv & Vector512.ShiftRightArithmetic(Vector512.ShiftLeft(kv, 6), 63).As<long, T>();
                    a2 += wv & Vector512.ShiftRightArithmetic(Vector512.ShiftLeft(kv, 5), 63).As<long, T>();
                    a3 += wv & Vector512.ShiftRightArithmetic(Vector512.ShiftLeft(kv, 4), 63).As<long, T>();
                    a4 += wv & Vector512.ShiftRightArithmetic(Vector512.ShiftLeft(kv, 3), 63).As<long, T>();
                    a5 += wv & Vector512.ShiftRightArithmetic(Vector512.ShiftLeft(kv, 2), 63).As<long, T>();
                    a6 += wv & Vector512.ShiftRightArithmetic(Vector512.ShiftLeft(kv, 1), 63).As<long, T>();
                    a7 += wv & Vector512.ShiftRightArithmetic(kv, 63).As<long, T>();
                }

                Store(ones, b0, Vector512.Sum(a0), Vector512.Sum(a1), Vector512.Sum(a2), Vector512.Sum(a3));
                Store(ones, b0 + 4, Vector512.Sum(a4), Vector512.Sum(a5), Vector512.Sum(a6), Vector512.Sum(a7));
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<ulong>.Count)
        {
            done = n - (n % Vector256<ulong>.Count);
            ref ulong k0 = ref MemoryMarshal.GetReference(keys);
            ref T w0 = ref MemoryMarshal.GetReference(weights);
            for (int b0 = 0; b0 < bits; b0 += 4)
            {
                int s0 = 63 - b0, s1 = 62 - b0, s2 = 61 - b0, s3 = 60 - b0;
                Vector256<T> a0 = Vector256<T>.Zero, a1 = a0, a2 = a0, a3 = a0;
                for (int i = 0; i < done; i += Vector256<ulong>.Count)
                {
                    Vector256<long> kv = Vector256.LoadUnsafe(ref k0, (nuint)i).AsInt64();
                    Vector256<T> wv = Vector256.LoadUnsafe(ref w0, (nuint)i);
                    a0 += wv & Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(kv, s0 & 63), 63).As<long, T>();
                    a1 += wv & Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(kv, s1 & 63), 63).As<long, T>();
                    a2 += wv & Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(kv, s2 & 63), 63).As<long, T>();
                    a3 += wv & Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(kv, s3 & 63), 63).As<long, T>();
                }

                Store(ones, b0, Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3));
            }
        }

        for (int i = done; i < n; i++)
        {
            ulong key = keys[i];
            T w = weights[i];
            while (key != 0)
            {
                int b = BitOperations.TrailingZeroCount(key);
                if (b < bits)
                {
                    ones[b] += w;
                }

                key &= key - 1;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(Span<T> ones, int b0, T v0, T v1, T v2, T v3)
        where T : unmanaged, INumber<T>
    {
        if (b0 >= ones.Length)
        {
            return;
        }

        ones[b0] = v0;
        if (b0 + 1 < ones.Length)
        {
            ones[b0 + 1] = v1;
        }

        if (b0 + 2 < ones.Length)
        {
            ones[b0 + 2] = v2;
        }

        if (b0 + 3 < ones.Length)
        {
            ones[b0 + 3] = v3;
        }
    }
}
