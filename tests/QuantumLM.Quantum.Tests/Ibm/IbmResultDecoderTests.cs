using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuantumLM.Abstractions;
using QuantumLM.Quantum.Ibm;
using QuantumLM.Quantum.Ibm.Results;
using QuantumLM.Quantum.Tests.Ibm.FakeRuntime;

namespace QuantumLM.Quantum.Tests.Ibm;

public sealed class IbmResultDecoderTests
{
    // Fixtures copied verbatim from ibm-runtime.md §7.
    private const string F4 = """
        {"results": [{"data": {"c": {"samples": ["0x0", "0x3", "0x3", "0x0"], "num_bits": 2}}, "metadata": {"circuit_metadata": {}}}],
         "metadata": {"execution": {"execution_spans": [[{"date": "2025-09-02T05:30:55.420561"}, {"date": "2025-09-02T05:30:56.388795"}, {"0": [[4], [0, 1], [0, 4]]}]]}, "version": 2}}
        """;

    private const string F5 = """
        {"__type__": "PrimitiveResult", "__value__": {
          "pub_results": [{"__type__": "SamplerPubResult", "__value__": {
            "data": {"__type__": "DataBin", "__value__": {"field_names": ["c"], "shape": [], "fields": {
              "c": {"__type__": "BitArray", "__value__": {"array": {"__type__": "ndarray",
                "__value__": "eJyb7BfqGxDJyFDGUK2eklqcXKRupaBeU2qorqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RomOgqGmjoKtQpkAy4GZmYGAOUhG74="},
                "num_bits": 2}}}}},
            "metadata": {"circuit_metadata": {}}}}],
          "metadata": {"execution": {"execution_spans": {"__type__": "ExecutionSpans", "__value__": {"spans": [
            {"__type__": "DoubleSliceSpan", "__value__": {
              "start": {"__type__": "datetime", "__value__": "2025-09-02T05:30:55.420561"},
              "stop": {"__type__": "datetime", "__value__": "2025-09-02T05:30:56.388795"},
              "data_slices": {"0": [[4], 0, 1, 0, 4]}}}]}}}, "version": 2}}}
        """;

    private const string TenBitVector = "eJyb7BfqGxDJyFDGUK2eklqcXKRupaBeU2qorqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RrGOgpGmjoKtQpkAy6m/wyMzP8BIp0dvA==";

    private const string EmptyParamsVector = "eJyb7BfqGxDJyFDGUK2eklqcXKRupaBuk2ahrqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RoGOpo6CrUKFAAuAFOzG1s=";

    private static string BitArrayJson(string name, int numBits, string ndarray) =>
        "{\"__type__\": \"PrimitiveResult\", \"__value__\": {\"pub_results\": [{\"__type__\": \"SamplerPubResult\", \"__value__\": {" +
        "\"data\": {\"__type__\": \"DataBin\", \"__value__\": {\"field_names\": [\"" + name + "\"], \"shape\": [], \"fields\": {" +
        "\"" + name + "\": {\"__type__\": \"BitArray\", \"__value__\": {\"array\": {\"__type__\": \"ndarray\", \"__value__\": \"" + ndarray + "\"}, \"num_bits\": " + numBits + "}}}}}," +
        "\"metadata\": {}}}], \"metadata\": {\"version\": 2}}}";

    private static void AssertCounts(IReadOnlyDictionary<string, long> expected, Abstractions.Quantum.Counts actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (k, v) in expected)
        {
            Assert.Equal(v, actual[k]);
        }
    }

    [Fact]
    public void Decode_F4PlainJson_GivesBellCounts()
    {
        var result = IbmResultDecoder.Decode(F4);
        Assert.Equal(IbmResultEncoding.PlainJson, result.Encoding);
        var pub = Assert.Single(result.PubResults);
        Assert.Equal(["c"], pub.RegisterNames);
        Assert.Equal(4, pub.Shots);
        AssertCounts(new Dictionary<string, long> { ["00"] = 2, ["11"] = 2 }, pub.Counts);
        AssertCounts(new Dictionary<string, long> { ["00"] = 2, ["11"] = 2 }, pub.RegisterCounts["c"]);
    }

    [Fact]
    public void Decode_F5QiskitEncoding_GivesBellCounts()
    {
        var result = IbmResultDecoder.Decode(F5);
        Assert.Equal(IbmResultEncoding.Qiskit, result.Encoding);
        var pub = Assert.Single(result.PubResults);
        Assert.Equal(4, pub.Shots);
        Assert.Equal(2, pub.Counts.Width);
        AssertCounts(new Dictionary<string, long> { ["00"] = 2, ["11"] = 2 }, pub.Counts);
    }

    [Fact]
    public void Decode_TenBitVector_GivesTheSpecBitstrings()
    {
        var pub = IbmResultDecoder.Decode(BitArrayJson("meas", 10, TenBitVector)).PubResults[0];
        Assert.Equal(3, pub.Shots);
        AssertCounts(new Dictionary<string, long> { ["1011111111"] = 1, ["0000000001"] = 1, ["1111111111"] = 1 }, pub.RegisterCounts["meas"]);
    }

    [Fact]
    public void NpyArray_EmptyParameterVector_IsFloat64ShapeZero()
    {
        var npy = NpyArray.DecodeCompressed(EmptyParamsVector, 1 << 20, "params");
        Assert.Equal("<f8", npy.Descr);
        Assert.Equal([0], npy.Shape);
        Assert.Empty(npy.ToDoubles("params"));
    }

    [Fact]
    public void Decode_BitArrayHighBitsBeyondNumBits_AreMasked()
    {
        // Row fe ff for a 10-bit register: only the low 2 bits of the first byte count (0xfe & 0x03 = 0x02).
        string nd = FakeNpy.Compress(FakeNpy.Npy("|u1", [1, 2], [0xFE, 0xFF]));
        var pub = IbmResultDecoder.Decode(BitArrayJson("c", 10, nd)).PubResults[0];
        AssertCounts(new Dictionary<string, long> { ["1011111111"] = 1 }, pub.Counts);
    }

    [Fact]
    public void Decode_SeveralRegisters_CombinesWithLastRegisterLeftmost()
    {
        const string json = """
            {"results": [{"data": {"a": {"samples": ["0x1", "0x2"], "num_bits": 2},
                                   "b": {"samples": ["0x5", "0x0"], "num_bits": 3}}}]}
            """;
        var pub = IbmResultDecoder.Decode(json).PubResults[0];
        Assert.Equal(["a", "b"], pub.RegisterNames);
        AssertCounts(new Dictionary<string, long> { ["01"] = 1, ["10"] = 1 }, pub.RegisterCounts["a"]);
        AssertCounts(new Dictionary<string, long> { ["101"] = 1, ["000"] = 1 }, pub.RegisterCounts["b"]);
        // shot 0: b=101, a=01 -> "10101"; shot 1: b=000, a=10 -> "00010"
        AssertCounts(new Dictionary<string, long> { ["10101"] = 1, ["00010"] = 1 }, pub.Counts);
    }

    [Fact]
    public void Decode_156BitKeys_InBothEncodings()
    {
        BigInteger top = BigInteger.One << 155;
        var registers = new[] { new FakeRegister("c", 156, [top + 1, top + 1, BigInteger.Zero]) };
        string expectedTop = "1" + new string('0', 154) + "1";
        string zeros = new string('0', 156);
        foreach (string json in new[] { FakeIbmRuntimeServer.PlainResult(registers), FakeIbmRuntimeServer.QiskitResult(registers) })
        {
            var pub = IbmResultDecoder.Decode(json).PubResults[0];
            Assert.Equal(156, pub.Counts.Width);
            AssertCounts(new Dictionary<string, long> { [expectedTop] = 2, [zeros] = 1 }, pub.Counts);
        }
    }

    [Theory]
    [InlineData("not json", "body")]
    [InlineData("[1,2]", "body")]
    [InlineData("{\"foo\": 1}", "neither")]
    [InlineData("{\"__type__\": \"Result\", \"__value__\": {}}", "PrimitiveResult")]
    [InlineData("{\"results\": [{\"data\": {\"c\": {\"samples\": [\"0x4\"], \"num_bits\": 2}}}]}", "does not fit in num_bits = 2")]
    [InlineData("{\"results\": [{\"data\": {\"c\": {\"samples\": [\"0xg\"], \"num_bits\": 2}}}]}", "invalid character 'g'")]
    [InlineData("{\"results\": [{\"data\": {\"c\": {\"samples\": [\"3\"], \"num_bits\": 2}}}]}", "not a 0x-prefixed")]
    [InlineData("{\"results\": [{\"data\": {\"c\": {\"samples\": [3], \"num_bits\": 2}}}]}", "results[0].data.c.samples[0]")]
    [InlineData("{\"results\": [{\"data\": {\"c\": {\"samples\": [\"0x1\"], \"num_bits\": 0}}}]}", "num_bits = 0")]
    [InlineData("{\"results\": [{\"data\": {\"c\": {\"samples\": [\"0x1\"]}}}]}", "num_bits")]
    [InlineData("{\"results\": [{\"data\": {}}]}", "no classical register")]
    [InlineData("{\"results\": [{\"data\": {\"a\": {\"samples\": [\"0x1\"], \"num_bits\": 1}, \"b\": {\"samples\": [\"0x1\", \"0x0\"], \"num_bits\": 1}}}]}", "shots")]
    public void Decode_MalformedPlainPayload_FailsWithPathAndServiceError(string json, string expectedFragment)
    {
        var ex = Assert.Throws<IbmRuntimeException>(() => IbmResultDecoder.Decode(json));
        Assert.Equal(QuantumLmErrorCodes.ServiceError, ex.ErrorCode);
        Assert.False(ex.IsTransient);
        Assert.Contains(expectedFragment, ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> HostileArrays() => new()
    {
        { "!!!not base64!!!", "not valid base64" },
        { Convert.ToBase64String([1, 2, 3, 4, 5]), "not valid zlib" },
        { FakeNpy.Compress([1, 2, 3]), "ends inside" },
        { FakeNpy.Compress([0x50, 0x4B, 3, 4, 1, 0, 0, 0, 0, 0, 0]), "magic" },
        { FakeNpy.Compress(FakeNpy.Npy("|u1", [2, 1], [1, 2])), "shape (..., shots, 2)" },
        { FakeNpy.Compress(FakeNpy.Npy("<f8", [1, 2], new byte[16])), "must be uint8" },
        { FakeNpy.Compress(FakeNpy.Npy("|u1", [2, 2], [1, 2])), "ends inside the array data" },
        { FakeNpy.Compress(FakeNpy.Npy("|u1", [1, 2], [1, 2, 3])), "longer than its shape" },
        { FakeNpy.Compress(FakeNpy.Npy("|u1", [1_000_000_000, 2], [])), "exceeds the limit" },
        { FakeNpy.Compress(FakeNpy.Npy("|u1", [int.MaxValue, int.MaxValue, int.MaxValue, 2], [])), "exceeds the limit" },
    };

    [Theory]
    [MemberData(nameof(HostileArrays))]
    public void Decode_HostileBitArray_FailsWithPreciseMessage(string ndarray, string expectedFragment)
    {
        var ex = Assert.Throws<IbmRuntimeException>(() => IbmResultDecoder.Decode(BitArrayJson("c", 10, ndarray), maxArrayBytes: 1 << 20));
        Assert.Equal(QuantumLmErrorCodes.ServiceError, ex.ErrorCode);
        Assert.Contains(expectedFragment, ex.Message, StringComparison.Ordinal);
        Assert.Contains("pub_results[0].data.c", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Reference: a sample v is the binary of v, zero-padded to numBits (highest bit leftmost).</summary>
    private static Dictionary<string, long> Reference(IEnumerable<string> keys) =>
        keys.GroupBy(static k => k).ToDictionary(static g => g.Key, static g => (long)g.Count());

    private static string Bin(ulong v, int bits)
    {
        var chars = new char[bits];
        for (int i = 0; i < bits; i++)
        {
            chars[bits - 1 - i] = ((v >> i) & 1) == 1 ? '1' : '0';
        }

        return new string(chars);
    }

    [Property(MaxTest = 200)]
    public bool BothEncodings_MatchReferenceCounts(PositiveInt widthSeed, ulong[] raw, PositiveInt width2Seed)
    {
        int bits1 = (widthSeed.Get % 64) + 1;
        int bits2 = (width2Seed.Get % 20) + 1;
        if (raw.Length == 0)
        {
            return true;
        }

        ulong mask1 = bits1 == 64 ? ulong.MaxValue : (1UL << bits1) - 1;
        ulong mask2 = (1UL << bits2) - 1;
        var a = raw.Select(v => v & mask1).ToArray();
        var b = raw.Select(v => (v >> 7) & mask2).ToArray();
        var registers = new[]
        {
            new FakeRegister("a", bits1, [.. a.Select(v => new BigInteger(v))]),
            new FakeRegister("b", bits2, [.. b.Select(v => new BigInteger(v))]),
        };
        var expectA = Reference(a.Select(v => Bin(v, bits1)));
        var expectCombined = Reference(a.Zip(b, (x, y) => Bin(y, bits2) + Bin(x, bits1)));
        foreach (string json in new[] { FakeIbmRuntimeServer.PlainResult(registers), FakeIbmRuntimeServer.QiskitResult(registers) })
        {
            var pub = IbmResultDecoder.Decode(json).PubResults[0];
            if (pub.Shots != raw.Length || pub.RegisterCounts["a"].Count != expectA.Count || pub.Counts.Count != expectCombined.Count)
            {
                return false;
            }

            if (expectA.Any(kv => pub.RegisterCounts["a"][kv.Key] != kv.Value) || expectCombined.Any(kv => pub.Counts[kv.Key] != kv.Value))
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 100)]
    public bool WideRegisters_BothEncodings_MatchReferenceCounts(PositiveInt widthSeed, ulong[] hi, ulong[] lo, byte[] dup)
    {
        int bits = 65 + (widthSeed.Get % 140); // 65..204 bits: the multi-lane path
        int n = Math.Min(hi.Length, lo.Length);
        if (n == 0)
        {
            return true;
        }

        BigInteger mask = (BigInteger.One << bits) - 1;
        var values = Enumerable.Range(0, n).Select(i => (((new BigInteger(hi[i]) << (bits - 64)) ^ lo[i]) & mask)).ToList();
        values.AddRange(dup.Take(n).Select(d => values[d % n])); // repeated outcomes
        var expected = Reference(values.Select(v => BinBig(v, bits)));
        var registers = new[] { new FakeRegister("wide", bits, values) };
        foreach (string json in new[] { FakeIbmRuntimeServer.PlainResult(registers), FakeIbmRuntimeServer.QiskitResult(registers) })
        {
            var counts = IbmResultDecoder.Decode(json).PubResults[0].Counts;
            if (counts.Count != expected.Count || expected.Any(kv => counts[kv.Key] != kv.Value))
            {
                return false;
            }
        }

        return true;
    }

    private static string BinBig(BigInteger v, int bits)
    {
        var chars = new char[bits];
        for (int i = 0; i < bits; i++)
        {
            chars[bits - 1 - i] = ((v >> i) & 1) == 1 ? '1' : '0';
        }

        return new string(chars);
    }

    [Property(MaxTest = 300)]
    public bool ParseHex_MatchesBigIntegerReference(PositiveInt widthSeed, ulong hi, ulong lo)
    {
        int bits = (widthSeed.Get % 130) + 1;
        BigInteger v = ((new BigInteger(hi) << 64) | lo) & ((BigInteger.One << bits) - 1);
        int bpr = (bits + 7) / 8;
        var row = new byte[bpr];
        IbmResultDecoder.ParseHex("0x" + v.ToString("x"), row, bits, "t");
        var expected = new byte[bpr];
        byte[] be = v.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (!v.IsZero)
        {
            Array.Copy(be, 0, expected, bpr - be.Length, be.Length);
        }

        return row.AsSpan().SequenceEqual(expected);
    }
}
