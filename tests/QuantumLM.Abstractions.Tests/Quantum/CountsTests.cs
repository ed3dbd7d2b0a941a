using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Abstractions.Tests.Quantum;

public sealed class CountsTests
{
    private static Counts Make(params (string Key, long Count)[] entries) =>
        Counts.Create(entries.Select(e => new KeyValuePair<string, long>(e.Key, e.Count)));

    private static CountsValidationException Fails(Action action) => Assert.Throws<CountsValidationException>(action);

    [Fact]
    public void Create_SpacesBetweenRegisters_AreRemovedAndOrderKept()
    {
        Counts c = Make(("01 1", 3), ("10 0", 2));
        Assert.Equal(3, c.Width);
        Assert.Equal(3, c["011"]);
        Assert.Equal(2, c["100"]);
    }

    [Fact]
    public void Create_HexKeys_ConvertWithoutLeadingZerosAndPadToWidth()
    {
        Counts c = Counts.Create([new("0x3", 5L), new("0X0", 1L)], width: 4);
        Assert.Equal(5, c["0011"]);
        Assert.Equal(1, c["0000"]);
    }

    [Fact]
    public void Create_UndeclaredWidth_IsLongestKeyIncludingZeroCounts()
    {
        Counts c = Make(("1", 4), ("00000", 0));
        Assert.Equal(5, c.Width);
        Assert.Equal(4, c["00001"]);
        Assert.Single(c.Entries);
    }

    [Fact]
    public void Create_UndeclaredWidth_HexKeyCountsItsBinaryLength()
    {
        Counts c = Make(("0x5", 1));
        Assert.Equal(3, c.Width);
        Assert.Equal(1, c["101"]);
    }

    [Fact]
    public void Create_CollidingKeys_AreMergedBySumming()
    {
        Counts c = Counts.Create([new("01", 2L), new("0 1", 3L), new("0x1", 5L)], width: 2);
        Assert.Equal(10, c["01"]);
        Assert.Equal(10, c.Shots);
    }

    [Fact]
    public void Create_SurplusLeadingZeros_AreRemoved()
    {
        Counts c = Counts.Create([new("0011", 7L)], width: 2);
        Assert.Equal(7, c["11"]);
    }

    [Fact]
    public void Create_SurplusOneBit_IsKeyTooLong()
    {
        var ex = Fails(() => Counts.Create([new("1011", 7L)], width: 3));
        Assert.Equal(QuantumLmErrorCodes.KeyTooLong, ex.ErrorCode);
        Assert.Contains("1011", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("012", "character '2' at position 2")]
    [InlineData("0\t1", "whitespace other than a space at position 1")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("0x", "no digits")]
    [InlineData("0xG1", "invalid character 'G' at position 2")]
    [InlineData("ab", "character 'a' at position 0")]
    public void Create_InvalidKey_NamesTheProblem(string key, string expected)
    {
        var ex = Fails(() => Make((key, 1)));
        Assert.Equal(QuantumLmErrorCodes.InvalidKey, ex.ErrorCode);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NegativeCount_IsRejected()
    {
        var ex = Fails(() => Make(("01", -1)));
        Assert.Equal(QuantumLmErrorCodes.NegativeCount, ex.ErrorCode);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1.5)]
    [InlineData(1e19)]
    public void CreateFromNumbers_NonIntegralOrNonFinite_IsInvalidCount(double value)
    {
        var ex = Fails(() => Counts.CreateFromNumbers([new("1", value)]));
        Assert.Equal(QuantumLmErrorCodes.InvalidCount, ex.ErrorCode);
    }

    [Fact]
    public void CreateFromNumbers_IntegralFloat_IsAccepted()
    {
        Counts c = Counts.CreateFromNumbers([new("1", 5.0), new("0", 0.0)]);
        Assert.Equal(5, c.Shots);
        Assert.Single(c.Entries);
    }

    [Fact]
    public void CreateFromNumbers_NegativeFloat_IsNegativeCount()
    {
        var ex = Fails(() => Counts.CreateFromNumbers([new("1", -2.0)]));
        Assert.Equal(QuantumLmErrorCodes.NegativeCount, ex.ErrorCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(BitKey.MaxWidth + 1)]
    public void Create_BadWidth_IsInvalidWidth(int width)
    {
        var ex = Fails(() => Counts.Create([new("1", 1L)], width));
        Assert.Equal(QuantumLmErrorCodes.InvalidWidth, ex.ErrorCode);
    }

    [Fact]
    public void Create_AllZero_IsEmpty()
    {
        Counts c = Make(("00", 0), ("11", 0));
        Assert.True(c.IsEmpty);
        Assert.Equal(2, c.Width);
        Assert.Empty(c.Entries);
    }

    [Fact]
    public void Create_ShotOverflow_IsInvalidCounts()
    {
        var ex = Fails(() => Make(("0", long.MaxValue), ("1", 1)));
        Assert.Equal(QuantumLmErrorCodes.InvalidCounts, ex.ErrorCode);
    }

    [Fact]
    public void Create_156BitKeys_Work()
    {
        string ones = new('1', 156);
        string hex = "0x" + new string('F', 39); // 156 bits
        Counts c = Counts.Create([new(ones, 3L), new(hex, 2L), new("1", 1L)], width: 156);
        Assert.Equal(156, c.Width);
        Assert.Equal(5, c[ones]);
        Assert.Equal(1, c[new string('0', 155) + "1"]);
    }

    [Fact]
    public void Create_HugeKey_IsRefusedWithALimit()
    {
        var ex = Fails(() => Make((new string('0', BitKey.MaxRawLength + 1), 1)));
        Assert.Equal(QuantumLmErrorCodes.InvalidKey, ex.ErrorCode);
        Assert.Contains("exceeds the limit", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Key!.Length <= 64);
    }

    [Fact]
    public void Entries_AreSortedAscending()
    {
        Counts c = Make(("11", 1), ("00", 1), ("10", 1), ("01", 1));
        Assert.Equal(["00", "01", "10", "11"], c.Keys.ToArray());
    }

    [Fact]
    public void FromCanonical_RejectsNonCanonicalKey()
    {
        var ex = Fails(() => Counts.FromCanonical(3, [new("01", 1L)]));
        Assert.Equal(QuantumLmErrorCodes.InvalidKey, ex.ErrorCode);
    }

    [Fact]
    public void BitKey_GetBit_IsLittleEndian()
    {
        Assert.True(BitKey.GetBit("001", 0));
        Assert.False(BitKey.GetBit("001", 2));
        Assert.True(BitKey.GetBit("100", 2));
    }

    // Reference: an independent, obviously-correct canonicalizer over small integer outcomes.
    [Property(MaxTest = 300)]
    public Property Create_MatchesIntegerReference()
    {
        var item = from v in Gen.Choose(0, 4095)
                   from c in Gen.Choose(0, 50)
                   from s in Gen.Elements(0, 1, 2)
                   select (Value: v, Count: c, Style: s);
        var gen = from width in Gen.Choose(1, 12)
                  from items in Gen.ListOf(item)
                  select (Width: width, Items: items);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            int width = t.Width;
            var raw = new List<KeyValuePair<string, long>>();
            var expected = new SortedDictionary<int, long>();
            foreach (var (rawValue, count, style) in t.Items)
            {
                int value = rawValue & ((1 << width) - 1);
                string bin = Convert.ToString(value, 2).PadLeft(width, '0');
                string key = style switch
                {
                    0 => bin,
                    1 => "0x" + value.ToString("x"),
                    _ => bin.Length > 1 ? bin[..1] + " " + bin[1..] : bin,
                };
                raw.Add(new(key, count));
                if (count > 0)
                {
                    expected[value] = expected.GetValueOrDefault(value) + count;
                }
            }

            Counts c = Counts.Create(raw, width);
            var actual = c.Entries.Select(e => (Convert.ToInt32(e.Key, 2), e.Value)).ToArray();
            return c.Width == width
                && actual.SequenceEqual(expected.Select(kv => (kv.Key, kv.Value)))
                && c.Shots == expected.Values.Sum();
        });
    }
}
