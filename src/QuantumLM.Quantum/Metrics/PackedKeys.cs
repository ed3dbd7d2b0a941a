using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace QuantumLM.Quantum.Metrics;

/// <summary>
/// Canonical keys of one width packed into 64-bit limbs, structure-of-arrays: <c>Limb(l)[i]</c> holds bits
/// 64·l … 64·l + 63 of key i (bit 0 = the last character of the canonical key, Qiskit little-endian). Keys up to 64
/// bits use one limb; 156-bit keys use three. Keys keep the order they were given in (ascending for
/// <see cref="QuantumLM.Abstractions.Quantum.Counts"/> entries).
/// </summary>
internal sealed class PackedKeys
{
    private readonly ulong[][] _limbs;

    public PackedKeys(int width, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Width = width;
        Count = count;
        LimbCount = (width + 63) >> 6;
        _limbs = new ulong[LimbCount][];
        for (int l = 0; l < LimbCount; l++)
        {
            _limbs[l] = new ulong[count];
        }
    }

    /// <summary>Gets the width in bits.</summary>
    public int Width { get; }

    /// <summary>Gets the number of keys.</summary>
    public int Count { get; }

    /// <summary>Gets the number of 64-bit limbs per key.</summary>
    public int LimbCount { get; }

    /// <summary>Gets limb <paramref name="limb"/> of every key (limb 0 = bits 0..63).</summary>
    public ulong[] Limb(int limb) => _limbs[limb];

    /// <summary>Packs canonical keys (exactly <paramref name="width"/> characters of '0'/'1').</summary>
    public static PackedKeys FromCanonical<TValue>(int width, IReadOnlyList<KeyValuePair<string, TValue>> entries)
    {
        var keys = new PackedKeys(width, entries.Count);
        Span<ulong> buffer = keys.LimbCount <= 16 ? stackalloc ulong[keys.LimbCount] : new ulong[keys.LimbCount];
        for (int i = 0; i < entries.Count; i++)
        {
            ParseCanonical(entries[i].Key, buffer);
            for (int l = 0; l < keys.LimbCount; l++)
            {
                keys._limbs[l][i] = buffer[l];
            }
        }

        return keys;
    }

    /// <summary>Selects a subset of keys by index (in the given order).</summary>
    public PackedKeys Select(ReadOnlySpan<int> indices)
    {
        var result = new PackedKeys(Width, indices.Length);
        for (int l = 0; l < LimbCount; l++)
        {
            ulong[] src = _limbs[l];
            ulong[] dst = result._limbs[l];
            for (int i = 0; i < indices.Length; i++)
            {
                dst[i] = src[indices[i]];
            }
        }

        return result;
    }

    /// <summary>Compares key <paramref name="i"/> of this set with key <paramref name="j"/> of <paramref name="other"/> as unsigned integers.</summary>
    public int Compare(int i, PackedKeys other, int j)
    {
        for (int l = LimbCount - 1; l >= 0; l--)
        {
            ulong a = _limbs[l][i];
            ulong b = other._limbs[l][j];
            if (a != b)
            {
                return a < b ? -1 : 1;
            }
        }

        return 0;
    }

    /// <summary>Hamming distance between key <paramref name="i"/> of this set and key <paramref name="j"/> of <paramref name="other"/>.</summary>
    public int Distance(int i, PackedKeys other, int j)
    {
        int d = 0;
        for (int l = 0; l < LimbCount; l++)
        {
            d += BitOperations.PopCount(_limbs[l][i] ^ other._limbs[l][j]);
        }

        return d;
    }

    /// <summary>Gets bit <paramref name="bit"/> of key <paramref name="i"/>.</summary>
    public bool GetBit(int i, int bit) => ((_limbs[bit >> 6][i] >> (bit & 63)) & 1UL) != 0;

    /// <summary>Formats key <paramref name="i"/> as a canonical binary string.</summary>
    public string Format(int i)
    {
        return string.Create(Width, (this, i), static (span, state) =>
        {
            var (keys, index) = state;
            int n = span.Length;
            for (int c = 0; c < n; c++)
            {
                span[c] = keys.GetBit(index, n - 1 - c) ? '1' : '0';
            }
        });
    }

    /// <summary>
    /// Parses a canonical key into little-endian limbs. 32 characters at a time are compared with '1' in one vector
    /// and the resulting mask is bit-reversed (the last character is bit 0).
    /// </summary>
    internal static void ParseCanonical(string key, Span<ulong> limbs)
    {
        limbs.Clear();
        int len = key.Length;
        ref char start = ref MemoryMarshal.GetReference(key.AsSpan());
        int end = len;
        int pos = 0; // bit index of the character at end - 1
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<ushort> one = Vector256.Create((ushort)'1');
            while (end >= 32)
            {
                ref ushort chunk = ref Unsafe.As<char, ushort>(ref Unsafe.Add(ref start, end - 32));
                uint lo = Vector256.Equals(Vector256.LoadUnsafe(ref chunk), one).ExtractMostSignificantBits();
                uint hi = Vector256.Equals(Vector256.LoadUnsafe(ref chunk, 16), one).ExtractMostSignificantBits();
                uint mask = lo | (hi << 16); // bit j = character end - 32 + j
                ulong bits = ReverseBits32(mask); // bit j = character end - 1 - j
                limbs[pos >> 6] |= bits << (pos & 63);
                end -= 32;
                pos += 32;
            }
        }

        for (int c = end - 1; c >= 0; c--, pos++)
        {
            if (Unsafe.Add(ref start, c) == '1')
            {
                limbs[pos >> 6] |= 1UL << (pos & 63);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ReverseBits32(uint x)
    {
        x = BinaryPrimitives.ReverseEndianness(x);
        x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
        x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
        x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
        return x;
    }
}
