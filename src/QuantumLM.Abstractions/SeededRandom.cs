using System.Numerics;

namespace QuantumLM.Abstractions;

/// <summary>
/// A small, portable pseudo-random generator (xoshiro256**, seeded through SplitMix64). The same seed gives the same
/// sequence on every platform and runtime version, which <c>System.Random</c> does not promise; every random
/// choice in QuantumLM takes one of these with an explicit seed.
/// </summary>
/// <remarks>Not thread-safe, and not suitable for cryptography.</remarks>
public sealed class SeededRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Initializes a generator from a 64-bit seed.</summary>
    /// <param name="seed">The seed; every value, including 0, is valid.</param>
    public SeededRandom(ulong seed)
    {
        Seed = seed;
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>Gets the seed this generator was created with.</summary>
    public ulong Seed { get; }

    /// <summary>Returns the next 64 random bits.</summary>
    /// <returns>A uniformly distributed 64-bit value.</returns>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Returns a uniformly distributed double in [0, 1) with 53 random bits.</summary>
    /// <returns>A value in [0, 1).</returns>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Returns a uniformly distributed integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    /// <param name="maxExclusive">The exclusive upper bound; must be positive.</param>
    /// <returns>A value in [0, maxExclusive).</returns>
    public ulong NextUInt64(ulong maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfZero(maxExclusive);

        // Lemire's nearly divisionless method.
        ulong x = NextUInt64();
        UInt128 m = (UInt128)x * maxExclusive;
        ulong low = (ulong)m;
        if (low < maxExclusive)
        {
            ulong threshold = (0UL - maxExclusive) % maxExclusive;
            while (low < threshold)
            {
                x = NextUInt64();
                m = (UInt128)x * maxExclusive;
                low = (ulong)m;
            }
        }

        return (ulong)(m >> 64);
    }

    /// <summary>Returns a uniformly distributed integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    /// <param name="minInclusive">The inclusive lower bound.</param>
    /// <param name="maxExclusive">The exclusive upper bound; must be greater than <paramref name="minInclusive"/>.</param>
    /// <returns>A value in the range.</returns>
    public int NextInt32(int minInclusive, int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxExclusive, minInclusive);
        ulong range = (ulong)((long)maxExclusive - minInclusive);
        return (int)(minInclusive + (long)NextUInt64(range));
    }

    /// <summary>Returns a standard normal deviate (mean 0, standard deviation 1) by the Box–Muller transform.</summary>
    /// <returns>A normally distributed value.</returns>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Derives an independent generator for a sub-stream, so that parallel or nested work stays reproducible.</summary>
    /// <param name="stream">A stream number; different numbers give different generators.</param>
    /// <returns>A new generator whose seed depends only on this generator's seed and <paramref name="stream"/>.</returns>
    public SeededRandom Fork(ulong stream)
    {
        ulong x = Seed ^ (0xD1B54A32D192ED03UL * (stream + 1));
        return new SeededRandom(SplitMix64(ref x));
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
