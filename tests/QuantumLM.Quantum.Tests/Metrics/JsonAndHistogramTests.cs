using System.Text;
using System.Text.Json.Nodes;
using FsCheck.Xunit;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Metrics;

namespace QuantumLM.Quantum.Tests.Metrics;

public sealed class CountsJsonTests
{
    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Counts_CanonicalizedAndMerged()
    {
        Counts c = CountsJson.ReadCounts(U("""{"0 1": 2, "01": 3, "0x3": 1.0, "1e0": 0}""".Replace("\"1e0\"", "\"10\"", StringComparison.Ordinal)), null, "c.json");
        Assert.Equal(2, c.Width);
        Assert.Equal(5, c["01"]);
        Assert.Equal(1, c["11"]);
        Assert.False(c.ContainsKey("10")); // zero dropped
        Assert.Equal(6, c.Shots);
    }

    [Fact]
    public void Counts_DuplicateKeysAreMergedBySumming()
    {
        Counts c = CountsJson.ReadCounts(U("""{"01": 2, "01": 3}"""));
        Assert.Equal(5, c["01"]);
    }

    [Theory]
    [InlineData("", QuantumLmErrorCodes.InvalidCounts, "empty")]
    [InlineData("5", QuantumLmErrorCodes.InvalidCounts, "1:1: the counts document is a JSON number, not an object")]
    [InlineData("{\"01\": true}", QuantumLmErrorCodes.InvalidCount, "1:8: count for key \"01\" is a boolean")]
    [InlineData("{\"01\": null}", QuantumLmErrorCodes.InvalidCount, "is a null")]
    [InlineData("{\"01\": [1]}", QuantumLmErrorCodes.InvalidCount, "is a array")]
    [InlineData("{\n  \"01\": \"3\"}", QuantumLmErrorCodes.InvalidCount, "2:9: count for key \"01\" is a string")]
    [InlineData("{\"01\": 2.5}", QuantumLmErrorCodes.InvalidCount, "count 2.5 for key \"01\" is not an integer")]
    [InlineData("{\"01\": 1e400}", QuantumLmErrorCodes.InvalidCount, "not a finite number")]
    [InlineData("{\"01\": 1e19}", QuantumLmErrorCodes.InvalidCount, "not an integer (or exceeds a 64-bit count)")]
    [InlineData("{\"01\": -2}", QuantumLmErrorCodes.NegativeCount, "count -2 for key \"01\" is negative")]
    [InlineData("{\"01\": -2.5}", QuantumLmErrorCodes.NegativeCount, "is negative")]
    [InlineData("{\"0 2\": 1}", QuantumLmErrorCodes.InvalidKey, "character '2'")]
    [InlineData("{\"0x\": 1}", QuantumLmErrorCodes.InvalidKey, "has no digits")]
    [InlineData("{\"01\": 1} {}", QuantumLmErrorCodes.InvalidCounts, "malformed JSON")]
    [InlineData("{\"01\": 1, // c\n}", QuantumLmErrorCodes.InvalidCounts, "malformed JSON")]
    [InlineData("{\"01\": 1", QuantumLmErrorCodes.InvalidCounts, "malformed JSON")]
    public void Counts_Rejected_WithCodeAndPlace(string json, string code, string fragment)
    {
        var ex = Assert.Throws<CountsValidationException>(() => CountsJson.ReadCounts(U(json), null, "c.json"));
        Assert.Equal(code, ex.ErrorCode);
        Assert.StartsWith("c.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_WidthRules()
    {
        Assert.Equal(QuantumLmErrorCodes.KeyTooLong, Assert.Throws<CountsValidationException>(() => CountsJson.ReadCounts(U("""{"101": 1}"""), 2, null)).ErrorCode);
        Assert.Equal(3, CountsJson.ReadCounts(U("""{"011": 1}"""), 2, null).Width == 2 ? 3 : 0);
        Assert.Equal(QuantumLmErrorCodes.InvalidWidth, Assert.Throws<CountsValidationException>(() => CountsJson.ReadCounts(U("""{"1": 1}"""), 0, null)).ErrorCode);
    }

    [Fact]
    public void Oversized_Rejected()
    {
        byte[] big = new byte[CountsJson.MaxDocumentBytes + 1];
        var ex = Assert.Throws<CountsValidationException>(() => CountsJson.ReadCounts(big));
        Assert.Equal(QuantumLmErrorCodes.InvalidCounts, ex.ErrorCode);
        Assert.Contains("exceeds the limit", ex.Message, StringComparison.Ordinal);
        var longKey = "{\"" + new string('1', (BitKey.MaxRawLength * 6) + 1) + "\": 1}";
        Assert.Equal(QuantumLmErrorCodes.InvalidCounts, Assert.Throws<CountsValidationException>(() => CountsJson.ReadCounts(U(longKey))).ErrorCode);
    }

    [Theory]
    [InlineData("{\"00\": 0.5, \"11\": 0.5000000001}", null)]
    [InlineData("{\"00\": 0.5, \"11\": 0.500000002}", QuantumLmErrorCodes.IdealNotNormalized)]
    [InlineData("{\"00\": -0.5, \"11\": 1.5}", QuantumLmErrorCodes.IdealNegative)]
    [InlineData("{\"00\": false}", QuantumLmErrorCodes.InvalidIdeal)]
    [InlineData("{\"0y\": 1}", QuantumLmErrorCodes.InvalidIdeal)]
    [InlineData("{}", QuantumLmErrorCodes.IdealEmpty)]
    [InlineData("{\"00\": 0}", QuantumLmErrorCodes.IdealEmpty)]
    [InlineData("[0.5]", QuantumLmErrorCodes.InvalidIdeal)]
    public void Ideal_Validated(string json, string? code)
    {
        if (code is null)
        {
            ProbabilityDistribution q = CountsJson.ReadIdealDistribution(U(json));
            Assert.Equal(1.0, q.Values.Sum(), 15);
            return;
        }

        Assert.Equal(code, Assert.Throws<CountsValidationException>(() => CountsJson.ReadIdealDistribution(U(json), "i.json")).ErrorCode);
    }

    [Fact]
    public void ReferenceCounts_WithNoShots_IdealEmpty()
    {
        Assert.Equal(QuantumLmErrorCodes.IdealEmpty, Assert.Throws<CountsValidationException>(() => CountsJson.ReadReferenceCounts(U("""{"0": 0}"""))).ErrorCode);
        Assert.Equal(4, CountsJson.ReadReferenceCounts(U("""{"0": 1, "1": 3}""")).ReferenceShots);
    }
}

public sealed class TensorMetricsJsonTests
{
    [Fact]
    public void EveryKeyPresent_NullsExplicit_CiPairs()
    {
        var metrics = new TensorMetrics
        {
            Phi = 0.5,
            Lambda = 1e-31,
            Shots = 10,
            Width = 2,
            DistinctOutcomes = 3,
            Ci95 = new MetricIntervals(new ConfidenceInterval(0.1, 0.2), null, null),
        };
        JsonObject json = TensorMetricsJson.ToJsonNode(metrics);
        Assert.Equal(TensorMetricsJson.Keys, json.Select(kv => kv.Key));
        Assert.Equal(0.0, (double)json["lambda"]!); // below 1e-30 → 0.0
        Assert.Null(json["gamma"]);
        Assert.Null(json["w2"]);
        Assert.Null(json["reason"]);
        Assert.Null(json["phi_undersampled"]);
        Assert.Equal("none", (string?)json["ideal_source"]);
        Assert.Equal([0.1, 0.2], json["ci95"]!["lambda"]!.AsArray().Select(v => (double)v!));
        Assert.Null(json["ci95"]!["phi"]);
        Assert.True(json["ci95"]!.AsObject().ContainsKey("w2"));
    }

    [Fact]
    public void WorkedExample_RoundTripsTheCalculatorOutput()
    {
        var counts = Counts.Create(new Dictionary<string, long> { ["00"] = 480, ["11"] = 470, ["01"] = 30, ["10"] = 20 });
        var ideal = ProbabilityDistribution.Create(new Dictionary<string, double> { ["00"] = 0.5, ["11"] = 0.5 });
        TensorMetrics m = new TensorMetricsCalculator().Compute(counts, ideal);
        JsonObject json = JsonNode.Parse(TensorMetricsJson.ToJsonString(m, indented: true))!.AsObject();
        Assert.Equal(m.Lambda, (double)json["lambda"]!);
        Assert.Equal(m.W2, (double)json["w2"]!);
        Assert.Equal("std-1", (string?)json["metrics_version"]);
        Assert.False((bool)json["phi_miller_madow"]!);
    }
}

public sealed class CountsHistogramTests
{
    [Fact]
    public void Samples_GiveCanonicalCounts()
    {
        Counts c = CountsHistogram.FromSamples([0b011, 0b011, 0b100, 0], 3);
        Assert.Equal(2, c["011"]);
        Assert.Equal(1, c["100"]);
        Assert.Equal(1, c["000"]);
        Assert.Equal(4, c.Shots);
    }

    [Fact]
    public void Samples_Errors()
    {
        Assert.Equal(QuantumLmErrorCodes.KeyTooLong, Assert.Throws<CountsValidationException>(() => CountsHistogram.FromSamples([1, 8], 3)).ErrorCode);
        Assert.Equal(QuantumLmErrorCodes.InvalidWidth, Assert.Throws<CountsValidationException>(() => CountsHistogram.FromSamples([1], 65)).ErrorCode);
        Assert.True(CountsHistogram.FromSamples([], 5).IsEmpty);
    }

    [Fact]
    public void BigEndianRows_AsIbmBitArray()
    {
        // 10 bits: row bytes [hi, lo]; value 0b10_0000_0011 = 0x203.
        Counts c = CountsHistogram.FromBigEndianRows([0x02, 0x03, 0x02, 0x03, 0x00, 0x01], 10);
        Assert.Equal(2, c["1000000011"]);
        Assert.Equal(1, c["0000000001"]);
        Assert.Equal(QuantumLmErrorCodes.KeyTooLong, Assert.Throws<CountsValidationException>(() => CountsHistogram.FromBigEndianRows([0x04, 0x00], 10)).ErrorCode);
        Assert.Equal(QuantumLmErrorCodes.InvalidCounts, Assert.Throws<CountsValidationException>(() => CountsHistogram.FromBigEndianRows([0x04, 0x00, 0x01], 10)).ErrorCode);
    }

    [Fact]
    public void BigEndianRows_156Bits()
    {
        byte[] rows = new byte[2 * 20];
        rows[0] = 0x08; // bit 155 of row 0
        rows[19] = 0x01; // bit 0 of row 0
        rows[39] = 0x01; // bit 0 of row 1
        Counts c = CountsHistogram.FromBigEndianRows(rows, 156);
        Assert.Equal(1, c["1" + new string('0', 154) + "1"]);
        Assert.Equal(1, c[new string('0', 155) + "1"]);
    }

    [Property(MaxTest = 100)]
    public bool Histogram_MatchesDictionaryCount(ulong seed)
    {
        var rng = new SeededRandom(seed);
        int width = 1 + (int)(seed % 64);
        int shots = (int)rng.NextUInt64(3000);
        ulong mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        ulong narrow = (ulong)rng.NextUInt64(64);
        ulong[] samples = new ulong[shots];
        for (int i = 0; i < shots; i++)
        {
            samples[i] = rng.NextUInt64() & mask & (rng.NextUInt64() % 2 == 0 ? narrow : ulong.MaxValue);
        }

        Counts c = CountsHistogram.FromSamples(samples, width);
        var expected = samples.GroupBy(s => Convert.ToString((long)s, 2).PadLeft(width, '0')[^width..]).ToDictionary(g => g.Key, g => (long)g.Count());
        byte[] rows = new byte[shots * ((width + 7) / 8)];
        int rb = (width + 7) / 8;
        for (int i = 0; i < shots; i++)
        {
            for (int b = 0; b < rb; b++)
            {
                rows[(i * rb) + rb - 1 - b] = (byte)(samples[i] >> (8 * b));
            }
        }

        Counts fromRows = CountsHistogram.FromBigEndianRows(rows, width);
        return c.Count == expected.Count && expected.All(kv => c[kv.Key] == kv.Value) && fromRows.SequenceEqual(c);
    }
}
