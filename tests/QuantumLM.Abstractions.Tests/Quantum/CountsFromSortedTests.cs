using FsCheck;
using FsCheck.Xunit;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Abstractions.Tests.Quantum;

public sealed class CountsFromSortedTests
{
    [Property(MaxTest = 200)]
    public bool FromSortedCanonical_EqualsFromCanonical_OnSortedDistinctInput(byte[] raw, PositiveInt widthSeed)
    {
        int width = 1 + (widthSeed.Get % 12);
        var map = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < raw.Length; i += 2)
        {
            string key = Convert.ToString(raw[i] % (1 << Math.Min(width, 8)), 2).PadLeft(width, '0');
            map[key] = map.GetValueOrDefault(key) + raw[i + 1];
        }

        Counts a = Counts.FromSortedCanonical(width, [.. map]);
        Counts b = Counts.FromCanonical(width, map);
        return a.Entries.SequenceEqual(b.Entries) && a.Shots == b.Shots && map.Keys.All(k => a[k] == b[k]);
    }

    [Fact]
    public void Unsorted_OrDuplicate_Keys_AreRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => Counts.FromSortedCanonical(2, [new("10", 1), new("01", 1)]));
        Assert.Contains("\"01\" follows \"10\"", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Counts.FromSortedCanonical(2, [new("01", 1), new("01", 1)]));
    }

    [Fact]
    public void BadKeys_AndNegativeCounts_AreTheUsualValidationErrors()
    {
        var bad = Assert.Throws<CountsValidationException>(() => Counts.FromSortedCanonical(2, [new("0x", 1)]));
        Assert.Equal(QuantumLmErrorCodes.InvalidKey, bad.ErrorCode);
        var negative = Assert.Throws<CountsValidationException>(() => Counts.FromSortedCanonical(2, [new("01", -1)]));
        Assert.Equal(QuantumLmErrorCodes.NegativeCount, negative.ErrorCode);
        Counts zeros = Counts.FromSortedCanonical(2, [new("00", 0), new("11", 3)]);
        Assert.Single(zeros.Entries);
        Assert.Equal(0, zeros["00"]);
        Assert.Equal(3, zeros["11"]);
    }
}
