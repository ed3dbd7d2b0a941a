using System.Buffers.Binary;
using System.Runtime.InteropServices;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Ibm.Results;

/// <summary>
/// The shots of one classical register as packed rows: <see cref="BytesPerShot"/> bytes per shot, big-endian (the first
/// byte is the most significant), bits at and above <see cref="NumBits"/> cleared. This is Qiskit's BitArray layout.
/// </summary>
internal sealed class RegisterSamples
{
    public RegisterSamples(string name, int numBits, int shots, byte[] rows)
    {
        Name = name;
        NumBits = numBits;
        Shots = shots;
        BytesPerShot = (numBits + 7) / 8;
        Rows = rows;
        if (rows.Length != (long)shots * BytesPerShot)
        {
            throw new ArgumentException($"rows hold {rows.Length} bytes but {shots} shots of {BytesPerShot} bytes need {(long)shots * BytesPerShot}", nameof(rows));
        }

        int excess = BytesPerShot * 8 - numBits;
        if (excess > 0)
        {
            byte mask = (byte)(0xFF >> excess);
            for (int s = 0; s < shots; s++)
            {
                rows[s * BytesPerShot] &= mask;
            }
        }
    }

    public string Name { get; }

    public int NumBits { get; }

    public int Shots { get; }

    public int BytesPerShot { get; }

    public byte[] Rows { get; }
}

/// <summary>Turns packed register rows into canonical counts: distinct rows are counted first, and each distinct row becomes a key once.</summary>
internal static class BitRowCounter
{
    // 256 entries of 8 chars: the binary digits of each byte value, most significant first.
    private static readonly char[] s_byteChars = BuildByteChars();

    /// <summary>Counts one register.</summary>
    public static Counts Count(RegisterSamples register) => CountComposite([register]);

    /// <summary>
    /// Counts the joint outcome of several registers of the same shots. <paramref name="leftToRight"/> lists the registers
    /// in key order: the first one supplies the leftmost bits (Qiskit puts the last declared register leftmost).
    /// </summary>
    public static Counts CountComposite(IReadOnlyList<RegisterSamples> leftToRight)
    {
        KeyValuePair<string, long>[] entries = CountKeys(leftToRight, out int width);
        return Counts.FromSortedCanonical(width, entries); // CountKeys yields distinct keys in ascending order
    }

    /// <summary>The distinct canonical keys of the registers' joint outcomes and their counts, in ascending key order.</summary>
    public static KeyValuePair<string, long>[] CountKeys(IReadOnlyList<RegisterSamples> leftToRight, out int width)
    {
        int shots = leftToRight[0].Shots;
        width = 0;
        int rowBytes = 0;
        foreach (var r in leftToRight)
        {
            if (r.Shots != shots)
            {
                throw NpyArray.Fail($"data.{r.Name}", $"register '{r.Name}' has {r.Shots} shots but register '{leftToRight[0].Name}' has {shots}");
            }

            width += r.NumBits;
            rowBytes += r.BytesPerShot;
        }

        byte[] rows;
        if (leftToRight.Count == 1)
        {
            rows = leftToRight[0].Rows;
        }
        else
        {
            rows = new byte[(long)shots * rowBytes];
            int offset = 0;
            foreach (var r in leftToRight)
            {
                for (int s = 0; s < shots; s++)
                {
                    Buffer.BlockCopy(r.Rows, s * r.BytesPerShot, rows, s * rowBytes + offset, r.BytesPerShot);
                }

                offset += r.BytesPerShot;
            }
        }

        var distinct = CountDistinct(rows, shots, rowBytes);
        var entries = new KeyValuePair<string, long>[distinct.Count];
        int n = 0;
        foreach (var (row, count) in distinct)
        {
            entries[n++] = new KeyValuePair<string, long>(MakeKey(rows, row * rowBytes, leftToRight, width), count);
        }

        return entries;
    }

    /// <summary>
    /// Counts equal rows with a hash map over their packed form (cheap when few outcomes repeat often), then sorts the
    /// distinct rows by that packed form (big-endian, so byte order is key order). The distinct rows come out in
    /// ascending key order, so their keys are built and allocated in the order Counts keeps them.
    /// </summary>
    private static List<(int Row, long Count)> CountDistinct(byte[] rows, int shots, int rowBytes)
    {
        if (rowBytes <= 8)
        {
            var map = new Dictionary<ulong, (int Row, long Count)>();
            for (int s = 0; s < shots; s++)
            {
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(map, Pack(rows.AsSpan(s * rowBytes, rowBytes)), out bool exists);
                if (!exists)
                {
                    slot.Row = s;
                }

                slot.Count++;
            }

            return Sorted(map);
        }

        if (rowBytes <= 16)
        {
            var map = new Dictionary<UInt128, (int Row, long Count)>();
            int low = rowBytes - 8;
            for (int s = 0; s < shots; s++)
            {
                var row = rows.AsSpan(s * rowBytes, rowBytes);
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(map, new UInt128(Pack(row[..low]), Pack(row[low..])), out bool exists);
                if (!exists)
                {
                    slot.Row = s;
                }

                slot.Count++;
            }

            return Sorted(map);
        }

        // Wider rows: pack into 64-bit lanes (first lane most significant, zero-padded at the front).
        int lanes = (rowBytes + 7) / 8;
        int pad = lanes * 8 - rowBytes;
        var packed = new ulong[(long)shots * lanes];
        Span<byte> buffer = stackalloc byte[lanes * 8];
        for (int s = 0; s < shots; s++)
        {
            buffer.Clear();
            rows.AsSpan(s * rowBytes, rowBytes).CopyTo(buffer[pad..]);
            for (int l = 0; l < lanes; l++)
            {
                packed[s * lanes + l] = BinaryPrimitives.ReadUInt64BigEndian(buffer.Slice(l * 8, 8));
            }
        }

        var lanesComparer = new LaneComparer(packed, lanes);
        var counts = new Dictionary<int, long>(lanesComparer);
        for (int s = 0; s < shots; s++)
        {
            ref long slot = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, s, out _);
            slot++;
        }

        int[] distinct = [.. counts.Keys];
        Array.Sort(distinct, lanesComparer);
        var result = new List<(int, long)>(distinct.Length);
        foreach (int row in distinct)
        {
            result.Add((row, counts[row]));
        }

        return result;
    }

    private static List<(int Row, long Count)> Sorted<TKey>(Dictionary<TKey, (int Row, long Count)> map)
        where TKey : notnull
    {
        var keys = new TKey[map.Count];
        var values = new (int Row, long Count)[map.Count];
        int i = 0;
        foreach (var (k, v) in map)
        {
            keys[i] = k;
            values[i++] = v;
        }

        Array.Sort(keys, values);
        return [.. values];
    }

    private static ulong Pack(ReadOnlySpan<byte> bytes)
    {
        ulong key = 0;
        foreach (byte b in bytes)
        {
            key = (key << 8) | b;
        }

        return key;
    }

    private static string MakeKey(byte[] rows, int start, IReadOnlyList<RegisterSamples> registers, int width) =>
        string.Create(width, (rows, start, registers), static (chars, st) =>
        {
            int pos = 0;
            int offset = st.start;
            for (int k = 0; k < st.registers.Count; k++)
            {
                RegisterSamples r = st.registers[k];
                int lead = r.NumBits - (r.BytesPerShot - 1) * 8; // bits used in the first (most significant) byte
                var row = st.rows.AsSpan(offset, r.BytesPerShot);
                s_byteChars.AsSpan(row[0] * 8 + (8 - lead), lead).CopyTo(chars.Slice(pos, lead));
                pos += lead;
                for (int b = 1; b < row.Length; b++)
                {
                    s_byteChars.AsSpan(row[b] * 8, 8).CopyTo(chars.Slice(pos, 8));
                    pos += 8;
                }

                offset += r.BytesPerShot;
            }
        });

    private static char[] BuildByteChars()
    {
        var table = new char[256 * 8];
        for (int v = 0; v < 256; v++)
        {
            for (int b = 0; b < 8; b++)
            {
                table[v * 8 + b] = ((v >> (7 - b)) & 1) == 1 ? '1' : '0';
            }
        }

        return table;
    }

    /// <summary>Orders and hashes shot indices by their packed lanes (lexicographic = key order).</summary>
    private sealed class LaneComparer(ulong[] packed, int lanes) : IComparer<int>, IEqualityComparer<int>
    {
        public int Compare(int x, int y)
        {
            int a = x * lanes, b = y * lanes;
            for (int l = 0; l < lanes; l++)
            {
                int c = packed[a + l].CompareTo(packed[b + l]);
                if (c != 0)
                {
                    return c;
                }
            }

            return 0;
        }

        public bool Equals(int x, int y) => packed.AsSpan(x * lanes, lanes).SequenceEqual(packed.AsSpan(y * lanes, lanes));

        public int GetHashCode(int obj)
        {
            ulong h = 0x9E3779B97F4A7C15UL;
            int a = obj * lanes;
            for (int l = 0; l < lanes; l++)
            {
                h = (h ^ packed[a + l]) * 0xBF58476D1CE4E5B9UL;
                h ^= h >> 31;
            }

            return (int)h ^ (int)(h >> 32);
        }
    }
}
