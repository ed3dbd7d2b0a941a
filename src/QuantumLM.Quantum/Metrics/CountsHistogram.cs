using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Metrics;

/// <summary>
/// Builds <see cref="Counts"/> from raw shots: simulator samples (one <see cref="ulong"/> per shot, bit k = clbit k)
/// or the rows of an IBM SamplerV2 <c>BitArray</c> (⌈n/8⌉ bytes per shot, big-endian: the last byte holds clbits 0–7).
/// Narrow widths use a dense histogram (one counter per possible outcome); wider ones sort the shots (LSD radix sort)
/// and count runs.
/// </summary>
public static class CountsHistogram
{
    private const int DenseMaxWidth = 24;

    /// <summary>Histograms shots given as integers (bit k = classical bit k, Qiskit little-endian).</summary>
    /// <param name="samples">One value per shot.</param>
    /// <param name="width">The classical width n, 1 to 64.</param>
    /// <returns>The counts (empty counts when there are no samples).</returns>
    /// <exception cref="CountsValidationException"><c>invalid_width</c>, or <c>key_too_long</c> when a sample has a bit at or above n.</exception>
    public static Counts FromSamples(ReadOnlySpan<ulong> samples, int width)
    {
        if (width < 1 || width > 64)
        {
            throw new CountsValidationException(QuantumLmErrorCodes.InvalidWidth, $"width {width} is outside 1..64 for integer samples; use FromBigEndianRows for wider registers");
        }

        ulong allowed = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        ulong seen = 0;
        foreach (ulong s in samples)
        {
            seen |= s;
        }

        if ((seen & ~allowed) != 0)
        {
            int index = IndexOfWide(samples, allowed);
            throw new CountsValidationException(QuantumLmErrorCodes.KeyTooLong, $"sample {index} (value {samples[index]}) has a bit at or above the width {width}");
        }

        var (values, counts) = Histogram(samples, width);
        return Build(width, values, counts);
    }

    /// <summary>Histograms shots given as big-endian byte rows, as in an IBM SamplerV2 <c>BitArray</c>.</summary>
    /// <param name="rows">The rows back to back, ⌈<paramref name="width"/>/8⌉ bytes each.</param>
    /// <param name="width">The classical width n (1 to <see cref="BitKey.MaxWidth"/>).</param>
    /// <returns>The counts.</returns>
    /// <exception cref="CountsValidationException"><c>invalid_width</c>, <c>invalid_counts</c> (length not a multiple of the row size) or <c>key_too_long</c> (a padding bit is set).</exception>
    public static Counts FromBigEndianRows(ReadOnlySpan<byte> rows, int width)
    {
        if (width < 1 || width > BitKey.MaxWidth)
        {
            throw new CountsValidationException(QuantumLmErrorCodes.InvalidWidth, $"width {width} is outside 1..{BitKey.MaxWidth}");
        }

        int rowBytes = (width + 7) / 8;
        if (rows.Length % rowBytes != 0)
        {
            throw new CountsValidationException(QuantumLmErrorCodes.InvalidCounts, $"{rows.Length} bytes is not a whole number of {rowBytes}-byte rows for width {width}");
        }

        int shots = rows.Length / rowBytes;
        int padding = (8 * rowBytes) - width;
        byte padMask = (byte)(0xFF << (8 - padding));
        for (int s = 0; s < shots; s++)
        {
            if ((rows[s * rowBytes] & padMask) != 0)
            {
                throw new CountsValidationException(QuantumLmErrorCodes.KeyTooLong, $"row {s} has a bit set above the width {width}");
            }
        }

        if (width <= 64)
        {
            ulong[] samples = new ulong[shots];
            for (int s = 0; s < shots; s++)
            {
                ulong v = 0;
                foreach (byte b in rows.Slice(s * rowBytes, rowBytes))
                {
                    v = (v << 8) | b;
                }

                samples[s] = v;
            }

            var (values, counts) = Histogram(samples, width);
            return Build(width, values, counts);
        }

        // Wide rows: sort row indices by their bytes (big-endian byte order is numeric order) and count runs.
        byte[] copy = rows.ToArray();
        int[] order = new int[shots];
        for (int i = 0; i < shots; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => copy.AsSpan(a * rowBytes, rowBytes).SequenceCompareTo(copy.AsSpan(b * rowBytes, rowBytes)));
        var entries = new List<KeyValuePair<string, long>>();
        int start = 0;
        while (start < shots)
        {
            int end = start + 1;
            ReadOnlySpan<byte> first = copy.AsSpan(order[start] * rowBytes, rowBytes);
            while (end < shots && copy.AsSpan(order[end] * rowBytes, rowBytes).SequenceEqual(first))
            {
                end++;
            }

            entries.Add(new(FormatRow(first, width), end - start));
            start = end;
        }

        return Counts.FromCanonical(width, entries);
    }

    /// <summary>Distinct sample values in ascending order with their multiplicities.</summary>
    internal static (ulong[] Values, long[] Counts) Histogram(ReadOnlySpan<ulong> samples, int width)
    {
        if (samples.IsEmpty)
        {
            return ([], []);
        }

        if (width <= DenseMaxWidth && (1L << width) <= (8L * samples.Length) + 65536)
        {
            int[] bins = new int[1 << width];
            foreach (ulong s in samples)
            {
                bins[(int)s]++;
            }

            int distinct = 0;
            ReadOnlySpan<int> span = bins;
            for (int i = span.IndexOfAnyExcept(0); i >= 0;)
            {
                distinct++;
                int next = span[(i + 1)..].IndexOfAnyExcept(0);
                i = next < 0 ? -1 : i + 1 + next;
            }

            ulong[] values = new ulong[distinct];
            long[] counts = new long[distinct];
            int w = 0;
            for (int i = span.IndexOfAnyExcept(0); i >= 0;)
            {
                values[w] = (ulong)i;
                counts[w++] = bins[i];
                int next = span[(i + 1)..].IndexOfAnyExcept(0);
                i = next < 0 ? -1 : i + 1 + next;
            }

            return (values, counts);
        }

        ulong[] sorted = RadixSort(samples, width);
        var v = new List<ulong>();
        var c = new List<long>();
        int start = 0;
        while (start < sorted.Length)
        {
            int end = start + 1;
            while (end < sorted.Length && sorted[end] == sorted[start])
            {
                end++;
            }

            v.Add(sorted[start]);
            c.Add(end - start);
            start = end;
        }

        return (v.ToArray(), c.ToArray());
    }

    private static ulong[] RadixSort(ReadOnlySpan<ulong> samples, int width)
    {
        ulong[] a = samples.ToArray();
        ulong[] b = new ulong[a.Length];
        int[] histogram = new int[1 << 16];
        for (int shift = 0; shift < width; shift += 16)
        {
            Array.Clear(histogram);
            foreach (ulong s in a)
            {
                histogram[(int)((s >> shift) & 0xFFFF)]++;
            }

            int sum = 0;
            for (int i = 0; i < histogram.Length; i++)
            {
                int h = histogram[i];
                histogram[i] = sum;
                sum += h;
            }

            foreach (ulong s in a)
            {
                b[histogram[(int)((s >> shift) & 0xFFFF)]++] = s;
            }

            (a, b) = (b, a);
        }

        return a;
    }

    private static Counts Build(int width, ulong[] values, long[] counts)
    {
        var entries = new KeyValuePair<string, long>[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            entries[i] = new(Format(values[i], width), counts[i]);
        }

        return entries.Length == 0 ? Counts.Empty(width) : Counts.FromCanonical(width, entries);
    }

    internal static string Format(ulong value, int width) =>
        string.Create(width, value, static (span, v) =>
        {
            int n = span.Length;
            for (int c = 0; c < n; c++)
            {
                span[n - 1 - c] = (char)('0' + (int)((v >> c) & 1));
            }
        });

    private static string FormatRow(ReadOnlySpan<byte> row, int width)
    {
        char[] chars = new char[width];
        int rowBytes = row.Length;
        for (int bit = 0; bit < width; bit++)
        {
            byte b = row[rowBytes - 1 - (bit >> 3)];
            chars[width - 1 - bit] = ((b >> (bit & 7)) & 1) != 0 ? '1' : '0';
        }

        return new string(chars);
    }

    private static int IndexOfWide(ReadOnlySpan<ulong> samples, ulong allowed)
    {
        for (int i = 0; i < samples.Length; i++)
        {
            if ((samples[i] & ~allowed) != 0)
            {
                return i;
            }
        }

        return -1;
    }
}
