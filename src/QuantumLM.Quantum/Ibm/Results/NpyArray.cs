using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace QuantumLM.Quantum.Ibm.Results;

/// <summary>A decoded NumPy <c>.npy</c> array: its element type, shape and raw C-order data.</summary>
internal sealed class NpyArray
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyArray(string descr, int[] shape, byte[] data, int itemSize)
    {
        Descr = descr;
        Shape = shape;
        Data = data;
        ItemSize = itemSize;
    }

    /// <summary>Gets the NumPy type descriptor, for example <c>|u1</c> or <c>&lt;f8</c>.</summary>
    public string Descr { get; }

    /// <summary>Gets the shape.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Gets the element bytes in C order.</summary>
    public byte[] Data { get; }

    /// <summary>Gets the size of one element in bytes.</summary>
    public int ItemSize { get; }

    /// <summary>Gets the number of elements.</summary>
    public long Length => Data.LongLength / ItemSize;

    /// <summary>Reads the float64 elements (descr <c>&lt;f8</c>).</summary>
    public double[] ToDoubles(string where)
    {
        if (Descr is not ("<f8" or "f8"))
        {
            throw Fail(where, $"expected a float64 array ('<f8') but the array has dtype '{Descr}'");
        }

        var values = new double[Data.Length / 8];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadDoubleLittleEndian(Data.AsSpan(i * 8, 8));
        }

        return values;
    }

    /// <summary>Decodes the <c>__value__</c> of a Qiskit <c>ndarray</c>: base64 of zlib of an <c>.npy</c> file.</summary>
    /// <param name="base64">The base64 text.</param>
    /// <param name="maxBytes">The largest array data accepted, in bytes (guards against decompression bombs).</param>
    /// <param name="where">The JSON path, for error messages.</param>
    public static NpyArray DecodeCompressed(string base64, long maxBytes, string where)
    {
        byte[] compressed;
        try
        {
            compressed = Convert.FromBase64String(base64);
        }
        catch (FormatException ex)
        {
            throw Fail(where, $"the ndarray value is not valid base64 ({ex.Message})");
        }

        try
        {
            using var input = new MemoryStream(compressed, writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            return Read(zlib, maxBytes, where);
        }
        catch (InvalidDataException ex)
        {
            throw Fail(where, $"the ndarray value is not valid zlib data ({ex.Message})");
        }
    }

    /// <summary>Reads an <c>.npy</c> stream.</summary>
    public static NpyArray Read(Stream stream, long maxBytes, string where)
    {
        Span<byte> prefix = stackalloc byte[12];
        ReadExactly(stream, prefix[..10], where, "the .npy preamble");
        if (!prefix[..6].SequenceEqual(Magic))
        {
            throw Fail(where, "the array does not start with the .npy magic \\x93NUMPY");
        }

        int major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix.Slice(8, 2));
        }
        else if (major is 2 or 3)
        {
            ReadExactly(stream, prefix.Slice(10, 2), where, "the .npy preamble");
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(prefix.Slice(8, 4));
            if (len > 1 << 20)
            {
                throw Fail(where, $".npy header of {len} bytes is larger than 1 MiB");
            }

            headerLength = (int)len;
        }
        else
        {
            throw Fail(where, $".npy format version {major}.{prefix[7]} is not supported (1.x, 2.x, 3.x are)");
        }

        byte[] headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, where, "the .npy header");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var (descr, fortran, shape) = ParseHeader(header, where);
        if (fortran)
        {
            throw Fail(where, "Fortran-ordered arrays are not supported");
        }

        int itemSize = ItemSizeOf(descr, where);
        long count = 1;
        foreach (int d in shape)
        {
            if (d != 0 && count > maxBytes / itemSize / d)
            {
                throw Fail(where, $"array of shape ({string.Join(", ", shape)}) exceeds the limit of {maxBytes} bytes");
            }

            count *= d;
            if (count * itemSize > maxBytes)
            {
                throw Fail(where, $"array of shape ({string.Join(", ", shape)}) exceeds the limit of {maxBytes} bytes");
            }
        }

        long size = count * itemSize;
        byte[] data = new byte[size];
        ReadExactly(stream, data, where, $"the array data ({size} bytes for shape ({string.Join(", ", shape)}))");
        if (stream.ReadByte() >= 0)
        {
            throw Fail(where, $"the .npy data is longer than its shape ({string.Join(", ", shape)}) declares");
        }

        return new NpyArray(descr, shape, data, itemSize);
    }

    internal static IbmRuntimeException Fail(string where, string message) =>
        new(QuantumLM.Abstractions.QuantumLmErrorCodes.ServiceError, $"IBM Runtime result {where}: {message}");

    private static void ReadExactly(Stream stream, Span<byte> buffer, string where, string what)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                throw Fail(where, $"the .npy data ends inside {what} (after {total} of {buffer.Length} bytes)");
            }

            total += n;
        }
    }

    private static int ItemSizeOf(string descr, string where)
    {
        string t = descr.TrimStart('<', '>', '|', '=');
        if (t.Length >= 2 && t[0] is 'u' or 'i' or 'f' or 'c' or 'b' &&
            int.TryParse(t.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int size) && size is > 0 and <= 16)
        {
            return size;
        }

        throw Fail(where, $"unsupported dtype '{descr}'");
    }

    private static (string Descr, bool Fortran, int[] Shape) ParseHeader(string header, string where)
    {
        string? descr = null;
        bool? fortran = null;
        int[]? shape = null;
        int i = 0;
        Skip(header, ref i);
        Expect(header, ref i, '{', where);
        while (true)
        {
            Skip(header, ref i);
            if (i < header.Length && header[i] == '}')
            {
                break;
            }

            string key = ReadQuoted(header, ref i, where);
            Skip(header, ref i);
            Expect(header, ref i, ':', where);
            Skip(header, ref i);
            switch (key)
            {
                case "descr":
                    descr = ReadQuoted(header, ref i, where);
                    break;
                case "fortran_order":
                    if (string.CompareOrdinal(header, i, "True", 0, 4) == 0)
                    {
                        fortran = true;
                        i += 4;
                    }
                    else if (string.CompareOrdinal(header, i, "False", 0, 5) == 0)
                    {
                        fortran = false;
                        i += 5;
                    }
                    else
                    {
                        throw Fail(where, "the .npy header's fortran_order is neither True nor False");
                    }

                    break;
                case "shape":
                    shape = ReadShape(header, ref i, where);
                    break;
                default:
                    throw Fail(where, $"the .npy header has an unknown key '{key}'");
            }

            Skip(header, ref i);
            if (i < header.Length && header[i] == ',')
            {
                i++;
            }
        }

        if (descr is null || fortran is null || shape is null)
        {
            throw Fail(where, "the .npy header lacks one of 'descr', 'fortran_order', 'shape'");
        }

        return (descr, fortran.Value, shape);
    }

    private static int[] ReadShape(string s, ref int i, string where)
    {
        Expect(s, ref i, '(', where);
        var dims = new List<int>();
        while (true)
        {
            Skip(s, ref i);
            if (i < s.Length && s[i] == ')')
            {
                i++;
                return [.. dims];
            }

            int start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == start || !int.TryParse(s.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out int d))
            {
                throw Fail(where, "the .npy header's shape is not a tuple of non-negative integers");
            }

            if (dims.Count >= 32)
            {
                throw Fail(where, "the .npy header's shape has more than 32 dimensions");
            }

            dims.Add(d);
            Skip(s, ref i);
            if (i < s.Length && s[i] == ',')
            {
                i++;
            }
        }
    }

    private static string ReadQuoted(string s, ref int i, string where)
    {
        if (i >= s.Length || s[i] is not ('\'' or '"'))
        {
            throw Fail(where, $"the .npy header is malformed at offset {i} (a quoted string was expected)");
        }

        char q = s[i++];
        int end = s.IndexOf(q, i);
        if (end < 0)
        {
            throw Fail(where, "the .npy header has an unterminated string");
        }

        string v = s[i..end];
        i = end + 1;
        return v;
    }

    private static void Expect(string s, ref int i, char c, string where)
    {
        if (i >= s.Length || s[i] != c)
        {
            throw Fail(where, $"the .npy header is malformed at offset {i} ('{c}' was expected)");
        }

        i++;
    }

    private static void Skip(string s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\n' or '\t' or '\r')
        {
            i++;
        }
    }
}
