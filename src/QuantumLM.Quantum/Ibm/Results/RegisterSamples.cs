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
        int shots = leftToRight[0].Shots;
        int width = 0;
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

        return Counts.FromCanonical(width, entries);
    }

    private static List<(int Row, long Count)> CountDistinct(byte[] rows, int shots, int rowBytes)
    {
        var result = new List<(int, long)>();
        if (rowBytes <= 8)
        {
            var map = new Dictionary<ulong, (int Row, long Count)>();
            for (int s = 0; s < shots; s++)
            {
                ulong key = 0;
                var span = rows.AsSpan(s * rowBytes, rowBytes);
                for (int b = 0; b < span.Length; b++)
                {
                    key = (key << 8) | span[b];
                }

                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(map, key, out bool exists);
                if (!exists)
                {
                    slot.Row = s;
                }

                slot.Count++;
            }

            foreach (var v in map.Values)
            {
                result.Add((v.Row, v.Count));
            }
        }
        else
        {
            var map = new Dictionary<int, long>(new RowComparer(rows, rowBytes));
            for (int s = 0; s < shots; s++)
            {
                ref long slot = ref CollectionsMarshal.GetValueRefOrAddDefault(map, s, out _);
                slot++;
            }

            foreach (var (row, count) in map)
            {
                result.Add((row, count));
            }
        }

        return result;
    }

    private static string MakeKey(byte[] rows, int start, IReadOnlyList<RegisterSamples> registers, int width) =>
        string.Create(width, (rows, start, registers), static (chars, st) =>
        {
            int pos = 0;
            int offset = st.start;
            foreach (var r in st.registers)
            {
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

    private sealed class RowComparer(byte[] rows, int rowBytes) : IEqualityComparer<int>
    {
        public bool Equals(int x, int y) => rows.AsSpan(x * rowBytes, rowBytes).SequenceEqual(rows.AsSpan(y * rowBytes, rowBytes));

        public int GetHashCode(int obj)
        {
            var h = new HashCode();
            h.AddBytes(rows.AsSpan(obj * rowBytes, rowBytes));
            return h.ToHashCode();
        }
    }
}
