using System.IO.Compression;
using System.Text;

namespace QuantumLM.Quantum.Tests.Ibm.FakeRuntime;

/// <summary>
/// An independent writer of Qiskit's ndarray encoding (base64 of zlib of an .npy v1.0 file), following the NumPy format
/// specification: magic, version 1.0, little-endian uint16 header length, a Python-dict header padded with spaces to a
/// 64-byte boundary and ending in a newline, then the raw C-order data.
/// </summary>
public static class FakeNpy
{
    public static byte[] Npy(string descr, int[] shape, byte[] data)
    {
        string shapeText = shape.Length switch
        {
            0 => "()",
            1 => $"({shape[0]},)",
            _ => "(" + string.Join(", ", shape) + ")",
        };
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int total = 10 + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        string header = dict + new string(' ', padded - total) + "\n";
        using var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        ms.WriteByte((byte)(header.Length & 0xFF));
        ms.WriteByte((byte)(header.Length >> 8));
        ms.Write(Encoding.ASCII.GetBytes(header));
        ms.Write(data);
        return ms.ToArray();
    }

    public static string Compress(byte[] npy)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(npy);
        }

        return Convert.ToBase64String(ms.ToArray());
    }

    /// <summary>BitArray rows for integer samples: big-endian, ceil(numBits/8) bytes each.</summary>
    public static byte[] Rows(IReadOnlyList<System.Numerics.BigInteger> samples, int numBits)
    {
        int bpr = (numBits + 7) / 8;
        var data = new byte[samples.Count * bpr];
        for (int s = 0; s < samples.Count; s++)
        {
            byte[] be = samples[s].ToByteArray(isUnsigned: true, isBigEndian: true);
            if (be.Length > bpr)
            {
                throw new ArgumentException($"sample {samples[s]} does not fit in {numBits} bits");
            }

            Array.Copy(be, 0, data, s * bpr + (bpr - be.Length), be.Length);
        }

        return data;
    }
}
