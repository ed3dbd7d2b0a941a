using System.IO.Compression;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Ibm;
using QuantumLM.Quantum.Ibm.Results;

namespace QuantumLM.Quantum.Benchmarks.Ibm;

/// <summary>
/// Decoding a SamplerV2 result of 100,000 shots of one 156-bit register in Qiskit's encoding (zlib + base64 .npy
/// BitArray) into canonical counts. Target: ≤ 50 ms. Baseline: the same parse with a naive per-shot key builder
/// (one string per shot, bit by bit) and a string dictionary.
/// </summary>
[MemoryDiagnoser]
public class BitArrayDecodeBenchmarks
{
    private const int Shots = 100_000;
    private const int NumBits = 156;
    private string _json = string.Empty;

    /// <summary>random: every shot distinct (worst case); ghz: two outcomes (typical of a good device run).</summary>
    [Params("random", "ghz")]
    public string Distribution { get; set; } = "random";

    [GlobalSetup]
    public void Setup()
    {
        var rng = new SeededRandom(20261125);
        int bpr = (NumBits + 7) / 8;
        byte[] rows = new byte[Shots * bpr];
        for (int s = 0; s < Shots; s++)
        {
            for (int b = 0; b < bpr; b++)
            {
                rows[s * bpr + b] = Distribution == "random" ? (byte)rng.NextUInt64(256) : (rng.NextUInt64(2) == 0 ? (byte)0 : (byte)0xFF);
            }

            if (Distribution == "ghz")
            {
                byte v = rows[s * bpr + bpr - 1];
                rows.AsSpan(s * bpr, bpr).Fill(v);
            }
        }

        _json = BuildJson(Compress(Npy(rows, bpr)));
    }

    [Benchmark]
    public Counts Decode() => IbmResultDecoder.Decode(_json).PubResults[0].Counts;

    /// <summary>The decoding kernel alone: JSON, base64, zlib, .npy and the sorted distinct keys, without building <see cref="Counts"/>.</summary>
    [Benchmark]
    public int DecodeToKeys()
    {
        using var doc = JsonDocument.Parse(_json);
        string b64 = doc.RootElement.GetProperty("__value__").GetProperty("pub_results")[0].GetProperty("__value__").GetProperty("data")
            .GetProperty("__value__").GetProperty("fields").GetProperty("c").GetProperty("__value__").GetProperty("array").GetProperty("__value__").GetString()!;
        NpyArray npy = NpyArray.DecodeCompressed(b64, long.MaxValue, "c");
        return BitRowCounter.CountKeys([new RegisterSamples("c", NumBits, Shots, npy.Data)], out _).Length;
    }

    [Benchmark(Baseline = true)]
    public Counts DecodeNaive()
    {
        using var doc = JsonDocument.Parse(_json);
        string b64 = doc.RootElement.GetProperty("__value__").GetProperty("pub_results")[0].GetProperty("__value__").GetProperty("data")
            .GetProperty("__value__").GetProperty("fields").GetProperty("c").GetProperty("__value__").GetProperty("array").GetProperty("__value__").GetString()!;
        NpyArray npy = NpyArray.DecodeCompressed(b64, long.MaxValue, "c");
        int bpr = (NumBits + 7) / 8;
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var sb = new StringBuilder(NumBits);
        for (int s = 0; s < Shots; s++)
        {
            sb.Clear();
            for (int bit = NumBits - 1; bit >= 0; bit--)
            {
                byte by = npy.Data[s * bpr + bpr - 1 - bit / 8];
                sb.Append(((by >> (bit % 8)) & 1) == 1 ? '1' : '0');
            }

            string key = sb.ToString();
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return Counts.FromCanonical(NumBits, counts);
    }

    private static byte[] Npy(byte[] data, int bpr)
    {
        string dict = $"{{'descr': '|u1', 'fortran_order': False, 'shape': ({Shots}, {bpr}), }}";
        int total = 10 + dict.Length + 1;
        string header = dict + new string(' ', (total + 63) / 64 * 64 - total) + "\n";
        using var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)]);
        ms.Write(Encoding.ASCII.GetBytes(header));
        ms.Write(data);
        return ms.ToArray();
    }

    private static string Compress(byte[] npy)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(npy);
        }

        return Convert.ToBase64String(ms.ToArray());
    }

    private static string BuildJson(string ndarray) =>
        "{\"__type__\": \"PrimitiveResult\", \"__value__\": {\"pub_results\": [{\"__type__\": \"SamplerPubResult\", \"__value__\": {" +
        "\"data\": {\"__type__\": \"DataBin\", \"__value__\": {\"field_names\": [\"c\"], \"shape\": [], \"fields\": {" +
        "\"c\": {\"__type__\": \"BitArray\", \"__value__\": {\"array\": {\"__type__\": \"ndarray\", \"__value__\": \"" + ndarray + "\"}, \"num_bits\": " + NumBits + "}}}}}," +
        "\"metadata\": {}}}], \"metadata\": {\"version\": 2}}}";
}

