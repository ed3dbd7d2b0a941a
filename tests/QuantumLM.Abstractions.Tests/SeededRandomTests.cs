using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuantumLM.Abstractions;

namespace QuantumLM.Abstractions.Tests;

public sealed class SeededRandomTests
{
    [Fact]
    public void SameSeed_SameSequence()
    {
        var a = new SeededRandom(42);
        var b = new SeededRandom(42);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }
    }

    [Fact]
    public void Sequence_IsPinnedAcrossPlatforms()
    {
        // Reference values computed independently from the published xoshiro256** and SplitMix64 algorithms
        // (Blackman & Vigna), seed 0: SplitMix64 yields the state, xoshiro256** the outputs.
        var r = new SeededRandom(0);
        ulong s0 = 0xE220A8397B1DCDAFUL, s1 = 0x6E789E6AA1B965F4UL, s2 = 0x06C45D188009454FUL, s3 = 0xF88BB8A8724C81ECUL;
        for (int i = 0; i < 16; i++)
        {
            ulong expected = RotL(s1 * 5, 7) * 9;
            ulong t = s1 << 17;
            s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = RotL(s3, 45);
            Assert.Equal(expected, r.NextUInt64());
        }

        static ulong RotL(ulong x, int k) => (x << k) | (x >> (64 - k));
    }

    [Fact]
    public void DifferentSeeds_DifferentSequences()
    {
        Assert.NotEqual(new SeededRandom(1).NextUInt64(), new SeededRandom(2).NextUInt64());
    }

    [Property(MaxTest = 200)]
    public Property NextUInt64_Bounded_StaysInRange(ulong seed, ulong bound)
    {
        ulong max = bound == 0 ? 1 : bound;
        var r = new SeededRandom(seed);
        return Enumerable.Range(0, 50).All(_ => r.NextUInt64(max) < max).ToProperty();
    }

    [Property(MaxTest = 200)]
    public bool NextInt32_StaysInRange(ulong seed, int a, int b)
    {
        if (a == b)
        {
            return true;
        }

        int lo = Math.Min(a, b), hi = Math.Max(a, b);
        var r = new SeededRandom(seed);
        return Enumerable.Range(0, 20).Select(_ => r.NextInt32(lo, hi)).All(v => v >= lo && v < hi);
    }

    [Fact]
    public void NextDouble_IsInUnitIntervalWithMeanNearHalf()
    {
        var r = new SeededRandom(7);
        double sum = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double d = r.NextDouble();
            Assert.InRange(d, 0.0, 0.9999999999999999);
            sum += d;
        }

        Assert.InRange(sum / 100_000, 0.495, 0.505);
    }

    [Fact]
    public void NextGaussian_HasUnitVariance()
    {
        var r = new SeededRandom(11);
        double sum = 0, sumSq = 0;
        const int n = 200_000;
        for (int i = 0; i < n; i++)
        {
            double g = r.NextGaussian();
            sum += g;
            sumSq += g * g;
        }

        double mean = sum / n;
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(sumSq / n - mean * mean, 0.98, 1.02);
    }

    [Fact]
    public void NextUInt64_Zero_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeededRandom(1).NextUInt64(0));

    [Fact]
    public void Fork_IsDeterministicAndDistinct()
    {
        var a = new SeededRandom(5).Fork(1);
        var b = new SeededRandom(5).Fork(1);
        var c = new SeededRandom(5).Fork(2);
        ulong x = a.NextUInt64();
        Assert.Equal(x, b.NextUInt64());
        Assert.NotEqual(x, c.NextUInt64());
    }
}
